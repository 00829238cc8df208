// Administration benchmark: the Verwaltung's client list (first page, a surname search, a
// reference number) over 10,000 clients and the audit log (first page, filtered by one person)
// over 1,000,000 events, through the REST API as a signed-in admin (real sessions, so the gate
// runs as in production), with 1 and with 50 concurrent callers. The EXPLAIN ANALYZE of the query
// inside each RPC is kept next to its figures. Writes bench/results/administration.json.
//
//   make bench-administration  (node bench/administration/run.ts [--reseed])  own instance
//                       (ports + 2500), seeded once (≈ 5 min; the audit events through the chain trigger, 2,500 a transaction)
//   node bench/administration/run.ts --smoke [--instance test]   a few rows on the running instance:
//                       proves the benchmark still runs and loses nothing (make test's bench-smoke)
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { dbUrl } from '../../devstack/src/config.ts'
import { accessToken, runLoad, type LoadResult } from '../lib/load.ts'
import { benchInstance, callRpc, explainRpc, machine, prepareCallers, writeReport, type Caller, type Explained } from '../lib/rpc.ts'
import { seedAdministration, surnames, type Scale } from './seed.ts'

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false }, reseed: { type: 'boolean', default: false }, instance: { type: 'string' } } })
const smoke = values.smoke
const { own, config, devstack } = benchInstance({ name: 'bench-administration', portOffset: 2500, smoke, instance: values.instance })
const scale: Scale = smoke ? { clients: 20, people: 5, admins: 2, auditEvents: 300 } : { clients: 10_000, people: 1_000, admins: 5, auditEvents: 1_000_000 }
const load = smoke
  ? { single: { concurrency: 1, requests: 5, maxSeconds: 10 }, concurrent: { concurrency: 2, requests: 10, maxSeconds: 10 } }
  : { single: { concurrency: 1, requests: 400, maxSeconds: 20 }, concurrent: { concurrency: 50, requests: 3000, maxSeconds: 30 } }
const resultsFile = smoke ? join(config.dataDir, 'bench-smoke', 'administration.json') : join(config.root, 'bench', 'results', 'administration.json')

interface Query {
  name: string
  what: string
  rpc: string
  args: Record<string, unknown>
  /** Whether an answer is right (a wrong one counts as lost). */
  check: (answer: unknown) => boolean
  /** The RPC's own query among the statements it runs. */
  statement: RegExp
}

async function main(): Promise<void> {
  if (own) {
    await devstack(values.reseed ? 'db:reset' : 'db:start')
    await devstack('api:start')
  }
  const admin = postgres(dbUrl(config, 'supabase_admin'), { max: 2, onnotice: () => {} })
  const tag = smoke ? randomUUID().slice(0, 6) : 'full'
  try {
    const [existing] = await admin<Array<{ clients: number }>>`select count(*)::int as clients from public.clients where reference_number like ${`A-${tag}-%`}`
    if (existing!.clients === 0) {
      const started = Date.now()
      console.log(`seeding ${scale.clients} clients, ${scale.people} people, ${scale.auditEvents} audit events …`)
      await seedAdministration(admin, scale, tag, console.log)
      console.log(`seeded in ${Math.round((Date.now() - started) / 1000)} s`)
    }
    const callers: Caller[] = await Promise.all((await prepareCallers(admin, tag, 'admin', scale.admins))
      .map(async persona => ({ ...persona, token: await accessToken(config.jwtSecret, persona.id, persona.sessionId) })))
    const [person] = await admin<Array<{ id: string, events: number }>>`
      select u.id, (select count(*)::int from ops.audit_events as e where e.actor_id = u.id or e.entity_id = u.id::text) as events
        from auth.users as u where u.raw_user_meta_data ->> 'bench' = ${tag} and u.email like '%-person-%' order by u.email limit 1`
    const surname = surnames[7]!
    const [named] = await admin<Array<{ n: number }>>`select count(*)::int as n from public.clients where archived_at is null and (name ilike ${`%${surname}%`} or reference_number ilike ${`%${surname}%`})`
    // A smoke run's database may hold fewer than a page of clients.
    const [active] = await admin<Array<{ n: number }>>`select count(*)::int as n from public.clients where archived_at is null`
    const reference = `A-${tag}-${smoke ? 7 : 4711}`
    type ClientRow = { name: string, reference_number: string }
    type EventRow = { actor_id: string | null, entity_id: string | null }
    const clientRows = (answer: unknown) => answer as ClientRow[]
    const events = (answer: unknown) => answer as EventRow[]
    const clientStatement = /^select c\.id, c\.kind, c\.name/
    const auditStatement = /^select e\.id, e\.occurred_at/
    const queries: Query[] = [
      {
        name: 'clientsFirstPage', what: 'Verwaltung → Mandanten, first page (25 by name)', rpc: 'list_clients', args: { max_rows: 25 },
        check: answer => clientRows(answer).length === Math.min(25, active!.n), statement: clientStatement,
      },
      {
        name: 'clientSearch', what: `client search by a surname ("${surname}", ${named!.n} clients), first page`, rpc: 'list_clients',
        args: { search: surname, max_rows: 25 },
        check: answer => clientRows(answer).length === Math.min(25, named!.n) && clientRows(answer).every(row => row.name.toLowerCase().includes(surname.toLowerCase())),
        statement: clientStatement,
      },
      {
        name: 'clientReference', what: `client search by its reference number ("${reference}")`, rpc: 'list_clients', args: { search: reference, max_rows: 25 },
        check: answer => clientRows(answer).length === 1 && clientRows(answer)[0]!.reference_number === reference, statement: clientStatement,
      },
      {
        name: 'auditFirstPage', what: 'Verwaltung → Protokoll, newest 50 events', rpc: 'list_audit_events', args: { max_rows: 50 },
        check: answer => events(answer).length === 50, statement: auditStatement,
      },
      {
        name: 'auditByPerson', what: `audit log filtered by a person (events by or about them: ${person!.events}), newest 50`, rpc: 'list_audit_events',
        args: { for_person: person!.id, max_rows: 50 },
        check: answer => events(answer).length === Math.min(50, person!.events) && events(answer).every(row => row.actor_id === person!.id || row.entity_id === person!.id),
        statement: auditStatement,
      },
    ]

    const results: Record<string, { what: string, request: string, single: LoadResult, concurrent: LoadResult, explain: Explained }> = {}
    for (const query of queries) {
      const request = (caller: number) => callRpc(config, query.rpc, callers[caller % callers.length]!.token, query.args).then(query.check)
      await runLoad({ concurrency: 4, requests: smoke ? 4 : 100, maxSeconds: 10 }, request)
      let round = 0
      const single = await runLoad(load.single, () => request(round++))
      const concurrent = await runLoad(load.concurrent, request)
      const plan = await explainRpc(config, query.rpc, query.args, callers[0]!, query.statement)
      results[query.name] = { what: query.what, request: `POST /rest/v1/rpc/${query.rpc} ${JSON.stringify(query.args)}`, single, concurrent, explain: plan }
      console.log(`${query.name.padEnd(16)} 1 caller p50 ${single.p50} p95 ${single.p95} p99 ${single.p99} ms | ${concurrent.concurrency} callers p50 ${concurrent.p50} p95 ${concurrent.p95} p99 ${concurrent.p99} ms | errors ${single.errors + concurrent.errors} | seq scans: ${plan.seqScans.join(', ') || 'none'}`)
    }

    const [counts] = await admin<Array<{ clients: number, auditEvents: number }>>`
      select (select count(*)::int from public.clients) as clients, (select count(*)::int from ops.audit_events) as "auditEvents"`
    const report = {
      benchmark: 'administration: client list and search, audit log by person, through the REST API',
      mode: smoke ? 'smoke' : 'full',
      measuredAt: new Date().toISOString(),
      target: { url: config.apiUrl, p95SingleCallerMs: 100, p95At50CallersMs: 100 },
      dataset: { ...counts, seededScale: scale, callers: callers.length },
      machine: machine(),
      results,
    }
    writeReport(resultsFile, report)
  }
  finally {
    await admin.end()
    if (own) await devstack('stop')
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
