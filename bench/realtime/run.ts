// Realtime benchmark: N websocket clients (100, then 1,000) in one private channel whose read policy
// looks up a membership table (as the portal's chat does), a sender committing 50 messages per
// second through realtime.send(); measured are commit→client latencies (p50/p95/p99) and the CPU
// and memory of the devstack process (and, for context, of PostgreSQL and of this client).
// Runs its own devstack instance (offset +3000) on 127.0.0.1, bounded in clients and time.
//
//   make bench-realtime (node bench/realtime/run.ts)   writes bench/results/realtime.{json,md}
//   node bench/realtime/run.ts --smoke [--instance test]   5 clients for 2 s on the running instance:
//                       proves the clients still get in and receive everything (make test's bench-smoke)
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { SignJWT } from 'jose'
import postgres from 'postgres'
import { WebSocket } from 'ws'
import { dbUrl, loadConfig } from '../../devstack/src/config.ts'
import { runStreaming } from '../../tests/helpers/command.ts'

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false }, instance: { type: 'string' } } })
const smoke = values.smoke
const clientCounts = smoke ? [5] : [100, 1000]
const messagesPerSecond = 50
const warmupSeconds = smoke ? 1 : 3
const measureSeconds = smoke ? 2 : 20
const joinBatch = 50
/** How long after the last send deliveries are still awaited. */
const drainSeconds = 10
/** Clients that parse and time every message; the others only receive (silentClient). */
const probeClients = 100
// A running instance keeps its data: the smoke's schema, room and users carry a run tag and go again.
const tag = smoke ? `_${randomBytes(3).toString('hex')}` : ''
const schema = `bench${tag}`
const topic = `bench-room${tag}`

const ownInstance = values.instance === undefined && !smoke
const env = ownInstance
  ? { ...process.env, DEVSTACK_INSTANCE: 'bench-realtime', DEVSTACK_PORT_OFFSET: String(Number(process.env.DEVSTACK_PORT_OFFSET || 0) + 3000) }
  : { ...process.env, DEVSTACK_INSTANCE: values.instance ?? 'test' }
const config = loadConfig(env)
const cli = join(config.root, 'devstack/src/cli.ts')
const now = () => performance.timeOrigin + performance.now()
const sleep = (ms: number) => new Promise(resolveSleep => setTimeout(resolveSleep, ms))

async function devstack(command: string): Promise<void> {
  const { code, output } = await runStreaming(process.execPath, [cli, command], { env, quiet: true })
  if (code !== 0) throw new Error(`devstack ${command} failed:\n${output}`)
}

/** CPU seconds and resident memory of processes, read from /proc. */
function processUsage(pids: number[]): { cpuSeconds: number, rssBytes: number } {
  let cpuSeconds = 0
  let rssBytes = 0
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
      cpuSeconds += (Number(fields[11]) + Number(fields[12])) / 100
      rssBytes += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024
    }
    catch {
      // the process ended meanwhile
    }
  }
  return { cpuSeconds, rssBytes }
}

function postgresPids(): number[] {
  const postmaster = Number(readFileSync(join(config.pgDataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
  const children = readdirSync('/proc').filter(name => /^\d+$/.test(name)).filter((pid) => {
    try {
      return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]) === postmaster
    }
    catch {
      return false
    }
  })
  return [postmaster, ...children.map(Number)]
}

/** Samples CPU (percent of one core) and peak RSS every second until stopped. */
function sampler(pids: () => number[]) {
  const cpuPercents: number[] = []
  let peakRss = 0
  let last = { at: now(), ...processUsage(pids()) }
  const timer = setInterval(() => {
    const current = { at: now(), ...processUsage(pids()) }
    cpuPercents.push((100 * (current.cpuSeconds - last.cpuSeconds)) / ((current.at - last.at) / 1000))
    peakRss = Math.max(peakRss, current.rssBytes)
    last = current
  }, 1000)
  return () => {
    clearInterval(timer)
    return {
      cpuPercentAvg: round(cpuPercents.reduce((sum, value) => sum + value, 0) / Math.max(cpuPercents.length, 1)),
      cpuPercentMax: round(Math.max(0, ...cpuPercents)),
      rssMbPeak: round(peakRss / 1024 / 1024),
    }
  }
}

const round = (value: number) => Math.round(value * 10) / 10

function percentile(sorted: Float64Array, fraction: number): number {
  return round(sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN)
}

interface BenchClient {
  joined: Promise<void>
  heartbeat: () => void
  close: () => void
}

const joinFrame = (token: string) => JSON.stringify(['1', '1', `realtime:${topic}`, 'phx_join', {
  config: { broadcast: { ack: false, self: false }, presence: { key: '', enabled: false }, postgres_changes: [], private: true },
  access_token: token,
}])
const heartbeatFrame = JSON.stringify([null, 'hb', 'phoenix', 'heartbeat', {}])

/** A 2.0.0 client (the `ws` package) that joins the private channel and reports each broadcast's send time. */
function probeClient(token: string, onSentAt: (sentAt: number, seq: number) => void): BenchClient {
  const ws = new WebSocket(`ws://127.0.0.1:${config.ports.api}/realtime/v1/websocket?apikey=${config.anonKey}&vsn=2.0.0`)
  const joined = new Promise<void>((resolveJoin, rejectJoin) => {
    ws.on('open', () => ws.send(joinFrame(token)))
    ws.on('error', rejectJoin)
    ws.on('message', (data: Buffer) => {
      const text = data.toString()
      if (text.startsWith('["1","1"')) {
        if (text.includes('"status":"ok"')) resolveJoin()
        else rejectJoin(new Error(text))
        return
      }
      const sentAt = /"sent_at": ?([\d.]+)/.exec(text)
      const seq = /"seq": ?(\d+)/.exec(text)
      if (sentAt && seq) onSentAt(Number(sentAt[1]), Number(seq[1]))
    })
  })
  return { joined, heartbeat: () => ws.send(heartbeatFrame), close: () => ws.terminate() }
}

/** A client frame (clients must mask) carrying one text message. */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text)
  const length = payload.length < 126 ? Buffer.from([0x80 | payload.length]) : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xFF])
  const mask = randomBytes(4)
  return Buffer.concat([Buffer.from([0x81]), length, mask, payload.map((byte, index) => byte ^ mask[index % 4]!)])
}

/**
 * A listener that joins like the others but never parses what it receives: a raw TCP socket doing
 * the websocket handshake. It keeps the bench process light, so the figures show the devstack.
 */
function silentClient(token: string): BenchClient {
  const socket = connect(config.ports.api, '127.0.0.1')
  let received = ''
  const joined = new Promise<void>((resolveJoin, rejectJoin) => {
    socket.on('connect', () => socket.write([
      `GET /realtime/v1/websocket?apikey=${config.anonKey}&vsn=2.0.0 HTTP/1.1`, `Host: 127.0.0.1:${config.ports.api}`,
      'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Version: 13', '', '',
    ].join('\r\n')))
    socket.on('error', rejectJoin)
    const handshake = (chunk: Buffer) => {
      received += chunk.toString('latin1')
      if (!received.includes('\r\n\r\n')) return
      if (!received.startsWith('HTTP/1.1 101')) return rejectJoin(new Error(received.split('\r\n')[0]))
      socket.off('data', handshake)
      socket.write(maskedTextFrame(joinFrame(token)))
      let reply = ''
      const awaitReply = (data: Buffer) => {
        reply += data.toString('latin1')
        if (!reply.includes('"phx_reply"')) return
        socket.off('data', awaitReply)
        socket.on('data', () => {}) // keep reading (and dropping) what arrives
        if (reply.includes('"status":"ok"')) resolveJoin()
        else rejectJoin(new Error(reply))
      }
      socket.on('data', awaitReply)
    }
    socket.on('data', handshake)
  })
  return { joined, heartbeat: () => socket.write(maskedTextFrame(heartbeatFrame)), close: () => socket.destroy() }
}

async function setUp(sql: postgres.Sql, users: number): Promise<string[]> {
  await sql.unsafe(`
    create schema ${schema};
    create table ${schema}.members (user_id uuid primary key);
    grant usage on schema ${schema} to authenticated;
    grant select on ${schema}.members to authenticated;
    create policy "${schema} members read the room" on realtime.messages for select to authenticated
      using ((select realtime.topic()) = '${topic}' and exists (select 1 from ${schema}.members where user_id = (select auth.uid())));`)
  const ids = await sql<Array<{ id: string }>>`
    insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
    select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', ${`${schema}-`} || n || '@bench.example', '', now(),
           '{"provider":"email","providers":["email"]}', '{}', now(), now()
    from generate_series(1, ${users}) as n
    returning id`
  await sql.unsafe(`insert into ${schema}.members (user_id) select unnest($1::uuid[])`, [ids.map(row => row.id)])
  // The portal's gate (private.access_allowed) lets a token in only while its session exists.
  const sessions = await sql<Array<{ id: string, user_id: string }>>`
    insert into auth.sessions (id, user_id, created_at, updated_at, aal)
    select gen_random_uuid(), u, now(), now(), 'aal1' from unnest(${sql.array(ids.map(row => row.id))}::uuid[]) as u
    returning id, user_id`
  const secret = new TextEncoder().encode(config.jwtSecret)
  const issuedAt = Math.floor(Date.now() / 1000)
  return Promise.all(sessions.map(({ id, user_id }) => new SignJWT({ sub: user_id, session_id: id, role: 'authenticated', aud: 'authenticated', aal: 'aal1' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt(issuedAt).setExpirationTime(issuedAt + 3600).sign(secret)))
}

async function scenario(sql: postgres.Sql, tokens: string[], clients: number, devstackPid: number) {
  const expectedMessages = messagesPerSecond * measureSeconds
  const probes = Math.min(clients, probeClients)
  const latencies = new Float64Array(probes * expectedMessages)
  let recorded = 0
  let firstMeasured = Number.POSITIVE_INFINITY
  const onSentAt = (sentAt: number, seq: number) => {
    if (seq >= firstMeasured && recorded < latencies.length) latencies[recorded++] = now() - sentAt
  }

  const joinStarted = now()
  const connected: BenchClient[] = []
  for (let index = 0; index < clients; index += joinBatch) {
    const batch = tokens.slice(index, Math.min(clients, index + joinBatch))
      .map((token, offset) => (index + offset < probes ? probeClient(token, onSentAt) : silentClient(token)))
    await Promise.all(batch.map(client => client.joined))
    connected.push(...batch)
  }
  const joinSeconds = round((now() - joinStarted) / 1000)
  const heartbeat = setInterval(() => connected.forEach(client => client.heartbeat()), 25_000)

  const stopDevstackSampler = sampler(() => [devstackPid])
  const stopPostgresSampler = sampler(postgresPids)
  const clientCpuBefore = process.cpuUsage()
  const devstackCpuBefore = processUsage([devstackPid]).cpuSeconds
  const measureStarted = now()
  let seq = 0
  const total = messagesPerSecond * (warmupSeconds + measureSeconds)
  const sendStarted = now()
  for (; seq < total; seq++) {
    if (seq === messagesPerSecond * warmupSeconds) firstMeasured = seq
    const due = sendStarted + (seq * 1000) / messagesPerSecond
    if (due > now()) await sleep(due - now())
    await sql`select realtime.send(jsonb_build_object('sent_at', ${now()}::float8, 'seq', ${seq}::int), 'tick', ${topic}, true)`
  }
  // Let the last messages arrive (a late delivery still counts, with its latency).
  const drainUntil = now() + drainSeconds * 1000
  while (recorded < latencies.length && now() < drainUntil) await sleep(100)
  const clientCpu = process.cpuUsage(clientCpuBefore)
  const elapsedSeconds = (now() - measureStarted) / 1000
  const devstackUsage = stopDevstackSampler()
  // Every client receives every message, warm-up included.
  const devstackCpuPerDelivery = ((processUsage([devstackPid]).cpuSeconds - devstackCpuBefore) * 1e6) / (clients * total)
  const postgresUsage = stopPostgresSampler()
  clearInterval(heartbeat)
  connected.forEach(client => client.close())

  const sorted = latencies.slice(0, recorded).sort()
  return {
    clients,
    joinSeconds,
    messagesSent: expectedMessages,
    probeClients: probes,
    deliveriesExpected: probes * expectedMessages,
    deliveriesReceived: recorded,
    latencyMs: {
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      p99: percentile(sorted, 0.99),
      max: round(sorted[sorted.length - 1] ?? Number.NaN),
    },
    devstack: { ...devstackUsage, cpuMicrosecondsPerDelivery: round(devstackCpuPerDelivery) },
    postgres: postgresUsage,
    benchClientCpuPercent: round((100 * (clientCpu.user + clientCpu.system)) / 1e6 / elapsedSeconds),
  }
}

function markdown(result: { generatedAt: string, machine: Record<string, unknown>, scenarios: Array<Awaited<ReturnType<typeof scenario>>> }): string {
  const rows = result.scenarios.map(s => `| ${s.clients} | ${s.messagesSent} | ${s.deliveriesReceived} / ${s.deliveriesExpected} (${s.probeClients} probes) | ${s.latencyMs.p50} | ${s.latencyMs.p95} | ${s.latencyMs.p99} | ${s.latencyMs.max} | ${s.joinSeconds} | ${s.devstack.cpuPercentAvg} (max ${s.devstack.cpuPercentMax}) | ${s.devstack.rssMbPeak} | ${s.postgres.cpuPercentAvg} | ${s.benchClientCpuPercent} |`)
  return [
    '# Realtime benchmark (devstack)',
    '',
    `Generated ${result.generatedAt} by \`node bench/realtime/run.ts\` on ${JSON.stringify(result.machine)}.`,
    '',
    `One private channel (read policy with a membership lookup), ${messagesPerSecond} messages/s committed through`,
    `\`realtime.send()\` for ${measureSeconds} s after a ${warmupSeconds} s warm-up; latency is commit request → frame received`,
    `by the client (same clock), measured on ${probeClients} probe clients; the other clients receive every frame without`,
    'parsing it (raw sockets), to keep the bench process from starving the devstack. CPU in percent of one core',
    '(1-s samples), memory as peak RSS.',
    '',
    '| clients | messages | deliveries | p50 ms | p95 ms | p99 ms | max ms | join s | devstack CPU % | devstack RSS MB | PostgreSQL CPU % | bench client CPU % |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    'Targets (shared/reference/targets.md, chat delivery): p50 ≤ 100 ms, p95 ≤ 250 ms, p99 ≤ 500 ms.',
    'The bench client runs on the same machine and competes with the devstack and PostgreSQL for the CPU.',
    '',
    `CPU of the devstack per delivered frame: ${result.scenarios.map(s => `${s.devstack.cpuMicrosecondsPerDelivery} µs with ${s.clients} clients`).join(', ')}.`,
    `At ${messagesPerSecond} messages/s each client costs the devstack that × ${messagesPerSecond} per second; when it gets less CPU than`,
    'that (other load on the machine), frames queue and the latency grows with the queue.',
    '',
  ].join('\n')
}

async function main(): Promise<void> {
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, loadAverage1m: round(loadavg()[0] ?? 0), node: process.version }
  if (ownInstance) {
    await devstack('db:reset')
    await devstack('api:start')
  }
  const sql = postgres(dbUrl(config, 'postgres'), { max: 2, onnotice: () => {} })
  try {
    const { pid } = JSON.parse(readFileSync(join(config.dataDir, 'devstack.json'), 'utf8')) as { pid: number }
    const tokens = await setUp(sql, Math.max(...clientCounts))
    const scenarios = []
    for (const clients of clientCounts) {
      console.log(`${clients} clients …`)
      const result = await scenario(sql, tokens, clients, pid)
      console.log(JSON.stringify(result))
      scenarios.push(result)
    }
    const result = { generatedAt: new Date().toISOString(), machine, settings: { messagesPerSecond, warmupSeconds, measureSeconds, privateChannel: true }, scenarios }
    const resultsDir = smoke ? join(config.dataDir, 'bench-smoke') : join(config.root, 'bench/results')
    mkdirSync(resultsDir, { recursive: true })
    writeFileSync(join(resultsDir, 'realtime.json'), `${JSON.stringify(result, null, 2)}\n`)
    if (!smoke) writeFileSync(join(resultsDir, 'realtime.md'), markdown(result))
    console.log(`written to ${join(resultsDir, 'realtime.json')}`)
    const lost = scenarios.reduce((sum, s) => sum + s.deliveriesExpected - s.deliveriesReceived, 0)
    if (smoke && lost > 0) {
      console.error(`${lost} deliveries lost`)
      process.exitCode = 1
    }
  }
  finally {
    if (ownInstance) {
      await sql.end()
      await devstack('stop')
      rmSync(config.dataDir, { recursive: true, force: true })
    }
    else {
      await sql.unsafe(`drop policy "${schema} members read the room" on realtime.messages;
        delete from auth.users where email like '${schema}-%@bench.example';
        drop schema ${schema} cascade;`)
      await sql.end()
    }
  }
}

await main()
