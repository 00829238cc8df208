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
import { rmSync, mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { SignJWT } from 'jose'
import postgres from 'postgres'
import { dbUrl, loadConfig } from '../../devstack/src/config.ts'
import {
  connectAll, devstackPid, latencySummary, now, postgresPids, probeClient, processUsage, round, sampler, silentClient, sleep,
} from '../lib/realtime.ts'
import { devstackCommand } from '../lib/rpc.ts'

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false }, instance: { type: 'string' } } })
const smoke = values.smoke
const clientCounts = smoke ? [5] : [100, 1000]
const messagesPerSecond = 50
const warmupSeconds = smoke ? 1 : 3
const measureSeconds = smoke ? 2 : 20
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
const devstack = (command: string) => devstackCommand(config, env, command)

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

async function scenario(sql: postgres.Sql, tokens: string[], clients: number) {
  const pid = devstackPid(config)
  const expectedMessages = messagesPerSecond * measureSeconds
  const probes = Math.min(clients, probeClients)
  const latencies = new Float64Array(probes * expectedMessages)
  let recorded = 0
  let firstMeasured = Number.POSITIVE_INFINITY
  const onFrame = (text: string) => {
    const sentAt = /"sent_at": ?([\d.]+)/.exec(text)
    const seq = /"seq": ?(\d+)/.exec(text)
    if (sentAt && seq && Number(seq[1]) >= firstMeasured && recorded < latencies.length) latencies[recorded++] = now() - Number(sentAt[1])
  }

  const connection = await connectAll(tokens.slice(0, clients)
    .map((token, index) => () => (index < probes ? probeClient(config, topic, token, onFrame) : silentClient(config, topic, token))))

  const stopDevstackSampler = sampler(() => [pid])
  const stopPostgresSampler = sampler(() => postgresPids(config))
  const clientCpuBefore = process.cpuUsage()
  const devstackCpuBefore = processUsage([pid]).cpuSeconds
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
  const devstackCpuPerDelivery = ((processUsage([pid]).cpuSeconds - devstackCpuBefore) * 1e6) / (clients * total)
  const postgresUsage = stopPostgresSampler()
  connection.close()

  return {
    clients,
    joinSeconds: connection.joinSeconds,
    messagesSent: expectedMessages,
    probeClients: probes,
    deliveriesExpected: probes * expectedMessages,
    deliveriesReceived: recorded,
    latencyMs: latencySummary(latencies.slice(0, recorded)),
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
    'The messages are committed over a plain SQL connection, not through the REST API, so the devstack finds',
    'them by its WAL poll (every 25 ms while sockets are connected): about half a poll of the p50 is that wait.',
    'A write through REST is read the moment it commits (`devstack/src/shared/commits.ts`); `bench/chat` measures that path.',
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
    const tokens = await setUp(sql, Math.max(...clientCounts))
    const scenarios = []
    for (const clients of clientCounts) {
      console.log(`${clients} clients …`)
      const result = await scenario(sql, tokens, clients)
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
