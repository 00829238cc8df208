// Chat benchmark: the time from a message's insert to its arrival in the other participant's
// client, through the app's own send path: send_message over REST as a signed-in user → the
// broadcast trigger → `conversation:<id>` (private, the portal's policies and second-factor gate)
// → a websocket client of each participant. 500 conversations of a client's two users, each user
// connected to its conversation's topic (1,000 sockets), 50 messages/s for 60 s, each from one
// participant in turn. Counted: every message must reach the other participant exactly once
// (lost, duplicated); latency = arrival − the message's created_at (clock_timestamp() in the
// insert, same machine clock), so it includes the commit. Also the send RPC's round trip, and the
// CPU and memory of the devstack and PostgreSQL. Writes bench/results/chat.json.
//
//   make bench-chat  (node bench/chat/run.ts)   own instance (ports + 3300), about 3 minutes
//   node bench/chat/run.ts --smoke [--instance test]   5 conversations, 10 messages/s for 2 s on the
//                       running instance, removed after: proves it runs and loses nothing (make test)
import { randomBytes, randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { dbUrl, loadConfig } from '../../devstack/src/config.ts'
import { accessToken } from '../lib/load.ts'
import { connectAll, devstackPid, latencySummary, now, postgresPids, probeClient, round, sampler, sleep } from '../lib/realtime.ts'
import { callRpc, devstackCommand, machine, prepareCallers, type Persona } from '../lib/rpc.ts'

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false }, instance: { type: 'string' } } })
const smoke = values.smoke
const scale = smoke
  ? { conversations: 5, messagesPerSecond: 10, warmupSeconds: 1, measureSeconds: 2 }
  : { conversations: 500, messagesPerSecond: 50, warmupSeconds: 3, measureSeconds: 60 }
/** How long after the last send deliveries are still awaited. */
const drainSeconds = 10
// Odd hundreds: other checkouts' instances sit at even ones (offsets in steps of 200, test + 1000).
const ownInstance = values.instance === undefined && !smoke
const env = ownInstance
  ? { ...process.env, DEVSTACK_INSTANCE: 'bench-chat', DEVSTACK_PORT_OFFSET: String(Number(process.env.DEVSTACK_PORT_OFFSET || 0) + 3300), DEVSTACK_REALTIME_PROFILE: '1' }
  : { ...process.env, DEVSTACK_INSTANCE: values.instance ?? 'test' }
const config = loadConfig(env)
// A running instance keeps its data: the smoke's people and conversations carry a run tag and go again.
const tag = smoke ? `chat${randomBytes(3).toString('hex')}` : 'chat'
const resultsFile = smoke ? join(config.dataDir, 'bench-smoke', 'chat.json') : join(config.root, 'bench', 'results', 'chat.json')

interface Conversation { id: string, participants: Array<Persona & { token: string }> }

/** Per conversation a client with two users (inside their grace period, so the gate lets them in) in one thread. */
async function seed(sql: postgres.Sql): Promise<Conversation[]> {
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`
    await tx`
      insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
        raw_app_meta_data, raw_user_meta_data, created_at, updated_at, confirmation_token, recovery_token, email_change_token_new, email_change)
      select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
             format('bench-%s-chat-%s@bench.example', ${tag}::text, lpad(n::text, 5, '0')), '', now(),
             '{"provider":"email","providers":["email"]}', jsonb_build_object('bench', ${tag}::text), now(), now(), '', '', '', ''
        from generate_series(1, ${2 * scale.conversations}) as n`
    await tx`
      insert into public.profiles (id, display_name, locale)
      select id, 'Mandant ' || split_part(split_part(email, '@', 1), '-', 4), 'de' from auth.users where raw_user_meta_data ->> 'bench' = ${tag}`
    await tx`
      insert into public.clients (kind, name, reference_number)
      select 'person', format('Mandant %s %s', ${tag}::text, n), format('C-%s-%s', ${tag}::text, lpad(n::text, 5, '0'))
        from generate_series(1, ${scale.conversations}) as n`
    // Users 2n-1 and 2n belong to client n.
    await tx`
      insert into public.client_members (client_id, user_id, role)
      select c.id, u.id, case when u.n % 2 = 1 then 'owner' else 'member' end
        from (select id, row_number() over (order by reference_number) as n from public.clients where reference_number like ${`C-${tag}-%`}) as c
        join (select id, row_number() over (order by email) as n from auth.users where raw_user_meta_data ->> 'bench' = ${tag}) as u
          on (u.n + 1) / 2 = c.n`
    await tx`
      insert into public.conversations (kind, subject, client_id, created_by)
      select 'thread', 'Rückfrage zur Akte', c.id, (select cm.user_id from public.client_members as cm where cm.client_id = c.id and cm.role = 'owner')
        from public.clients as c where c.reference_number like ${`C-${tag}-%`}`
    await tx`
      insert into public.conversation_participants (conversation_id, user_id)
      select v.id, cm.user_id from public.conversations as v join public.client_members as cm on cm.client_id = v.client_id
       where v.client_id in (select id from public.clients where reference_number like ${`C-${tag}-%`})`
  })
  const people = await prepareCallers(sql, tag, 'chat', 2 * scale.conversations)
  const withTokens = await Promise.all(people.map(async person => ({ ...person, token: await accessToken(config.jwtSecret, person.id, person.sessionId) })))
  const rows = await sql<Array<{ id: string, client_id: string }>>`
    select v.id, v.client_id from public.conversations as v join public.clients as c on c.id = v.client_id
     where c.reference_number like ${`C-${tag}-%`} order by c.reference_number`
  return rows.map(row => ({ id: row.id, participants: withTokens.filter(person => person.clientId === row.client_id) }))
}

async function removeSeed(sql: postgres.Sql): Promise<void> {
  await sql`delete from public.clients where reference_number like ${`C-${tag}-%`}`
  await sql`delete from auth.users where raw_user_meta_data ->> 'bench' = ${tag}`
}

/**
 * The devstack's own stage figures during the run (its instance only, DEVSTACK_REALTIME_PROFILE):
 * one entry per 10 s window with WAL peek time and size, commit → hand-over to the sockets, fan-out.
 */
function devstackStages(since: Date): unknown[] {
  const log = join(config.dataDir, 'devstack.log')
  if (!existsSync(log)) return []
  return readFileSync(log, 'utf8').split('\n')
    .filter(line => line.startsWith('[realtime profile] '))
    .map(line => JSON.parse(line.slice('[realtime profile] '.length)) as { at: string })
    .filter(entry => new Date(entry.at) >= since)
}

/** created_at as PostgreSQL writes it (microseconds) in epoch milliseconds. */
function epochMs(timestamp: string): number {
  const [, whole, fraction = '0', zone] = /^(.*?:\d\d)(?:\.(\d+))?(Z|[+-]\d\d(?::?\d\d)?)$/.exec(timestamp) ?? []
  return Date.parse(`${whole}${zone === 'Z' || !zone ? 'Z' : zone.length === 3 ? `${zone}:00` : zone}`) + Number(`0.${fraction}`) * 1000
}

async function measure(sql: postgres.Sql, conversations: Conversation[]) {
  const total = scale.messagesPerSecond * (scale.warmupSeconds + scale.measureSeconds)
  const firstMeasured = scale.messagesPerSecond * scale.warmupSeconds
  /** Message id → who must receive it, whether it is measured, and how often it arrived there. */
  const expected = new Map<string, { receiverId: string, measured: boolean, arrivals: number }>()
  const latencies = new Float64Array(total)
  let recorded = 0

  const sockets = conversations.flatMap(conversation => conversation.participants.map(person => () =>
    probeClient(config, `conversation:${conversation.id}`, person.token, (text) => {
      const arrivedAt = now()
      if (!text.includes('"message_created"')) return
      const payload = (JSON.parse(text) as [unknown, unknown, string, string, { payload: { id: string, created_at: string } }])[4].payload
      const message = expected.get(payload.id)
      if (!message || message.receiverId !== person.id) return
      message.arrivals += 1
      if (message.arrivals === 1 && message.measured) latencies[recorded++] = arrivedAt - epochMs(payload.created_at)
    })))
  const connection = await connectAll(sockets)

  const stopDevstack = sampler(() => [devstackPid(config)])
  const stopPostgres = sampler(() => postgresPids(config))
  const clientCpuBefore = process.cpuUsage()
  const started = now()
  const sendTimes: number[] = []
  const sends: Array<Promise<void>> = []
  let failedSends = 0
  for (let seq = 0; seq < total; seq++) {
    const due = started + (seq * 1000) / scale.messagesPerSecond
    if (due > now()) await sleep(due - now())
    const conversation = conversations[seq % conversations.length]!
    const turn = Math.floor(seq / conversations.length) % 2
    const [author, receiver] = [conversation.participants[turn]!, conversation.participants[1 - turn]!]
    const id = randomUUID()
    expected.set(id, { receiverId: receiver.id, measured: seq >= firstMeasured, arrivals: 0 })
    const sentAt = now()
    sends.push(callRpc(config, 'send_message', author.token, { conversation_id: conversation.id, message_id: id, body: `Nachricht ${seq}` })
      .then(() => {
        if (seq >= firstMeasured) sendTimes.push(now() - sentAt)
      }, (error: unknown) => {
        failedSends += 1
        console.error(error)
      }))
  }
  await Promise.all(sends)
  const drainUntil = now() + drainSeconds * 1000
  const allArrived = () => [...expected.values()].every(message => message.arrivals > 0)
  while (!allArrived() && now() < drainUntil) await sleep(100)
  await sleep(500) // a duplicate would come right behind
  const elapsedSeconds = (now() - started) / 1000
  const clientCpu = process.cpuUsage(clientCpuBefore)
  const devstack = stopDevstack()
  const postgresUsage = stopPostgres()
  connection.close()

  const messages = [...expected.values()]
  const storedCount = (await sql<Array<{ count: number }>>`
    select count(*)::int as count from public.messages where conversation_id = any (${conversations.map(conversation => conversation.id)}::uuid[])`)[0]!.count
  return {
    ...latencySummary(latencies.subarray(0, recorded)),
    lost: messages.filter(message => message.arrivals === 0).length,
    duplicated: messages.reduce((sum, message) => sum + Math.max(0, message.arrivals - 1), 0),
    sent: total,
    stored: storedCount,
    failedSends,
    measuredMessages: total - firstMeasured,
    sendRoundTripMs: latencySummary(Float64Array.from(sendTimes)),
    joinSeconds: connection.joinSeconds,
    devstack,
    postgres: postgresUsage,
    benchClientCpuPercent: round((100 * (clientCpu.user + clientCpu.system)) / 1e6 / elapsedSeconds),
  }
}

async function main(): Promise<void> {
  const devstack = (command: string) => devstackCommand(config, env, command)
  if (ownInstance) {
    await devstack('db:reset')
    await devstack('api:start')
  }
  const sql = postgres(dbUrl(config, 'supabase_admin'), { max: 2, onnotice: () => {} })
  try {
    const conversations = await seed(sql)
    console.log(`${conversations.length} conversations, ${2 * conversations.length} sockets, ${scale.messagesPerSecond} messages/s for ${scale.measureSeconds} s …`)
    const measuredFrom = new Date()
    const figures = await measure(sql, conversations)
    const report = {
      generatedAt: new Date().toISOString(),
      machine: machine(),
      settings: { ...scale, sockets: 2 * conversations.length, path: 'send_message (REST) → trigger → realtime.send → conversation:<id> (private) → websocket client' },
      ...figures,
      ...(ownInstance ? { devstackStages: devstackStages(measuredFrom) } : {}),
      targets: { p50: 30, p99: 150, lost: 0, duplicated: 0 },
    }
    mkdirSync(join(resultsFile, '..'), { recursive: true })
    writeFileSync(resultsFile, `${JSON.stringify(report, null, 2)}\n`)
    console.log(JSON.stringify(figures))
    console.log(`written to ${resultsFile}`)
    if (figures.lost + figures.duplicated + figures.failedSends > 0 || figures.stored !== figures.sent) {
      console.error(`lost ${figures.lost}, duplicated ${figures.duplicated}, failed sends ${figures.failedSends}, stored ${figures.stored} of ${figures.sent}`)
      process.exitCode = 1
    }
  }
  finally {
    if (ownInstance) {
      await sql.end()
      await devstack('stop')
    }
    else {
      await removeSeed(sql)
      await sql.end()
    }
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
