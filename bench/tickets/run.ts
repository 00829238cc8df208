// Tickets benchmark: the staff queue's first page (open tickets assigned to the caller), a client's
// ticket list and the full-text search, through the REST API as signed-in users (real sessions,
// so the second-factor gate runs as in production), with 1 and with 50 concurrent callers, plus
// the status counts and the navigation badge for context. The EXPLAIN ANALYZE of the query inside
// each RPC (auto_explain, as the caller's role and claims) is kept next to its figures, with every
// sequential scan it contains. Writes bench/results/tickets.json.
//
//   make bench-tickets  (node bench/tickets/run.ts [--reseed])  own instance (ports + 2300),
//                       10,000 clients, 100,000 tickets, 1,000,000 replies; seeded once (≈ 10 min)
//   node bench/tickets/run.ts --smoke [--instance test]   a few rows on the running instance, a few requests:
//                       proves the benchmark still runs and loses nothing (make test's bench-smoke)
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { dbUrl } from '../../devstack/src/config.ts'
import { accessToken, runLoad, type LoadResult } from '../lib/load.ts'
import { benchInstance, callRpc, explainRpc, machine, prepareCallers, writeReport, type Caller, type Persona } from '../lib/rpc.ts'
import { searchTerms, seedTickets, type Scale } from './seed.ts'

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false }, reseed: { type: 'boolean', default: false }, instance: { type: 'string' } } })
const smoke = values.smoke
const { own, config, devstack } = benchInstance({ name: 'bench-tickets', portOffset: 2300, smoke, instance: values.instance })
const scale: Scale = smoke
  ? { clients: 3, staff: 2, ticketsPerClient: 4, repliesPerTicket: 3 }
  : { clients: 10_000, staff: 20, ticketsPerClient: 10, repliesPerTicket: 10 }
const load = smoke
  ? { single: { concurrency: 1, requests: 5, maxSeconds: 10 }, concurrent: { concurrency: 2, requests: 10, maxSeconds: 10 } }
  : { single: { concurrency: 1, requests: 400, maxSeconds: 20 }, concurrent: { concurrency: 50, requests: 3000, maxSeconds: 30 } }
const resultsFile = smoke ? join(config.dataDir, 'bench-smoke', 'tickets.json') : join(config.root, 'bench', 'results', 'tickets.json')

interface Row { id: string, status: string, assignee_id: string | null, client_id: string }

interface Query {
  name: string
  what: string
  rpc: string
  callers: Caller[]
  args: (caller: Caller) => Record<string, unknown>
  /** Whether an answer is right (a wrong one counts as lost). */
  check: (answer: unknown, caller: Caller) => boolean
  /** How the RPC's own query begins, to find its plan among the helpers' statements. */
  statement: RegExp
}

const call = (query: Query, caller: Caller) => callRpc(config, query.rpc, caller.token, query.args(caller))
const explain = (query: Query, caller: Caller) => explainRpc(config, query.rpc, query.args(caller), caller, query.statement)

async function main(): Promise<void> {
  if (own) {
    await devstack(values.reseed ? 'db:reset' : 'db:start')
    await devstack('api:start')
  }
  const admin = postgres(dbUrl(config, 'supabase_admin'), { max: 2, onnotice: () => {} })
  const tag = smoke ? randomUUID().slice(0, 6) : 'full'
  try {
    const [existing] = await admin<Array<{ tickets: number }>>`
      select count(*)::int as tickets from public.tickets as t join public.clients as c on c.id = t.client_id where c.reference_number like ${`B-${tag}-%`}`
    if (existing!.tickets === 0) {
      const started = Date.now()
      console.log(`seeding ${scale.clients} clients, ${scale.clients * scale.ticketsPerClient} tickets, ${scale.clients * scale.ticketsPerClient * scale.repliesPerTicket} replies …`)
      await seedTickets(admin, scale, tag)
      console.log(`seeded in ${Math.round((Date.now() - started) / 1000)} s`)
    }
    const sign = async (personas: Persona[]) => Promise.all(personas.map(async persona => ({ ...persona, token: await accessToken(config.jwtSecret, persona.id, persona.sessionId) })))
    const staff = await sign(await prepareCallers(admin, tag, 'staff', scale.staff))
    const clients = await sign(await prepareCallers(admin, tag, 'client', smoke ? scale.clients : 50))
    const tickets = scale.clients * scale.ticketsPerClient
    const terms = await searchTerms(admin, tag, tickets)
    const [open] = await admin<Array<{ assigned: Record<string, number> }>>`
      select coalesce(jsonb_object_agg(assignee_id, n), '{}') as assigned from (
        select assignee_id, count(*)::int as n from public.tickets where status = 'open' and assignee_id = any (${staff.map(caller => caller.id)}::uuid[]) group by assignee_id) as counts`
    const rows = (answer: unknown) => answer as Row[]
    const listStatement = /^select t\.id, t\.number/
    const queries: Query[] = [
      {
        name: 'staffQueue', what: 'staff queue, first page: open tickets assigned to the caller, newest activity first', rpc: 'list_tickets', callers: staff,
        args: caller => ({ filter_statuses: ['open'], filter_assignee: caller.id, max_rows: 25 }),
        check: (answer, caller) => rows(answer).length === Math.min(25, open!.assigned[caller.id] ?? 0) && rows(answer).every(row => row.status === 'open' && row.assignee_id === caller.id),
        statement: listStatement,
      },
      {
        name: 'clientList', what: 'a client user\'s ticket list, first page', rpc: 'list_tickets', callers: clients,
        args: () => ({ max_rows: 25 }),
        check: (answer, caller) => rows(answer).length === scale.ticketsPerClient && rows(answer).every(row => row.client_id === caller.clientId),
        statement: listStatement,
      },
      {
        name: 'search', what: `staff full-text search across all tickets, a word in ~1 % of them ("${terms.typical}")`, rpc: 'list_tickets', callers: staff,
        args: () => ({ search: terms.typical, max_rows: 25 }),
        check: answer => rows(answer).length > 0,
        statement: listStatement,
      },
      {
        name: 'searchRare', what: `staff full-text search, a rare word ("${terms.rare}")`, rpc: 'list_tickets', callers: staff,
        args: () => ({ search: terms.rare, max_rows: 25 }),
        check: answer => rows(answer).length > 0,
        statement: listStatement,
      },
      {
        name: 'searchCommon', what: `staff full-text search, a word in ~10 % of tickets ("${terms.common}")`, rpc: 'list_tickets', callers: staff,
        args: () => ({ search: terms.common, max_rows: 25 }),
        check: answer => rows(answer).length > 0,
        statement: listStatement,
      },
      {
        name: 'clientSearch', what: `a client user's search in its own tickets ("${terms.common}")`, rpc: 'list_tickets', callers: clients,
        args: () => ({ search: terms.common, max_rows: 25 }),
        check: (answer, caller) => rows(answer).every(row => row.client_id === caller.clientId),
        statement: listStatement,
      },
      {
        name: 'staffCounts', what: 'counts per status of the caller\'s tickets (the queue\'s status filter)', rpc: 'ticket_status_counts', callers: staff,
        args: caller => ({ filter_assignee: caller.id }),
        check: (answer, caller) => (answer as Record<string, number>).open === (open!.assigned[caller.id] ?? 0),
        statement: /^select jsonb_build_object\('open'/,
      },
      {
        name: 'staffBadge', what: 'the navigation badge of a staff member (assigned and unassigned open tickets with news)', rpc: 'my_unread_ticket_count', callers: staff,
        args: () => ({}),
        check: answer => typeof answer === 'number',
        statement: /^\(select count\(\*\) from \(/,
      },
    ]

    const results: Record<string, { what: string, request: string, single: LoadResult, concurrent: LoadResult, explain: Awaited<ReturnType<typeof explain>> }> = {}
    for (const query of queries) {
      const request = (caller: number) => {
        const who = query.callers[caller % query.callers.length]!
        return call(query, who).then(answer => query.check(answer, who))
      }
      await runLoad({ concurrency: 4, requests: smoke ? 4 : 100, maxSeconds: 10 }, request)
      let round = 0
      const single = await runLoad(load.single, () => request(round++))
      const concurrent = await runLoad(load.concurrent, request)
      results[query.name] = {
        what: query.what,
        request: `POST /rest/v1/rpc/${query.rpc} ${JSON.stringify(query.args(query.callers[0]!))}`,
        single,
        concurrent,
        explain: await explain(query, query.callers[0]!),
      }
      const { explain: plan } = results[query.name]!
      console.log(`${query.name.padEnd(13)} 1 caller p50 ${single.p50} p95 ${single.p95} p99 ${single.p99} ms | ${concurrent.concurrency} callers p50 ${concurrent.p50} p95 ${concurrent.p95} p99 ${concurrent.p99} ms | errors ${single.errors + concurrent.errors} | seq scans: ${plan.seqScans.join(', ') || 'none'}`)
    }

    const [counts] = await admin<Array<{ clients: number, tickets: number, replies: number, notes: number }>>`
      select (select count(*)::int from public.clients) as clients, (select count(*)::int from public.tickets) as tickets,
             (select count(*)::int from public.ticket_replies) as replies, (select count(*)::int from public.ticket_internal_notes) as notes`
    const report = {
      benchmark: 'tickets: staff queue, client list and full-text search through the REST API',
      mode: smoke ? 'smoke' : 'full',
      measuredAt: new Date().toISOString(),
      target: { url: config.apiUrl, p95SingleCallerMs: 20, p95At50CallersMs: 100, indexScansOnly: true },
      dataset: { ...counts, seededScale: scale, callers: { staff: staff.length, clients: clients.length } },
      searchTerms: terms,
      machine: machine(),
      results,
    }
    writeReport(resultsFile, report)
  }
  finally {
    await admin.end()
    if (!smoke) await devstack('stop')
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
