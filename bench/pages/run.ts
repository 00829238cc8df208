// Pages benchmark: a client user's page list (list_pages, first page) and one of its pages
// (get_page by slug, with audiences and appointments) through the REST API as signed-in users
// (real sessions, so the second-factor gate and RLS run as in production), with 1 and with 50
// concurrent callers; the staff list for context. Every answer is checked against what the
// caller may see (a wrong or refused answer counts as lost). Writes bench/results/pages.json.
//
//   make bench-pages  (node bench/pages/run.ts [--reseed])  own instance (ports + 2700),
//                     10,000 clients, 500 groups, 50,000 pages; seeded once (about a minute)
//   node bench/pages/run.ts --smoke [--instance test]  a few rows on the running instance (make test's bench-smoke)
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { dbUrl } from '../../devstack/src/config.ts'
import { accessToken, runLoad, type LoadResult } from '../lib/load.ts'
import { benchInstance, callRpc, machine, prepareCallers, writeReport, type Persona } from '../lib/rpc.ts'
import { type Scale, seedPages } from './seed.ts'

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false }, reseed: { type: 'boolean', default: false }, instance: { type: 'string' } } })
const smoke = values.smoke
const { own, config, devstack } = benchInstance({ name: 'bench-pages', portOffset: 2700, smoke, instance: values.instance })
const scale: Scale = smoke ? { clients: 6, staff: 1, groups: 2, pages: 30 } : { clients: 10_000, staff: 5, groups: 500, pages: 50_000 }
const load = smoke
  ? { single: { concurrency: 1, requests: 5, maxSeconds: 10 }, concurrent: { concurrency: 2, requests: 10, maxSeconds: 10 } }
  : { single: { concurrency: 1, requests: 400, maxSeconds: 20 }, concurrent: { concurrency: 50, requests: 3000, maxSeconds: 30 } }
const resultsFile = smoke ? join(config.dataDir, 'bench-smoke', 'pages.json') : join(config.root, 'bench', 'results', 'pages.json')

interface Caller extends Persona { token: string, visible: number, slugs: string[] }
interface ListedPage { id: string, archived_at: string | null, published: boolean, audiences: unknown[] }

interface Query {
  name: string
  what: string
  rpc: string
  callers: Caller[]
  args: (caller: Caller, round: number) => Record<string, unknown>
  check: (answer: unknown, caller: Caller, round: number) => boolean
}

async function main(): Promise<void> {
  if (own) {
    await devstack(values.reseed ? 'db:reset' : 'db:start')
    await devstack('api:start')
  }
  const admin = postgres(dbUrl(config, 'supabase_admin'), { max: 2, onnotice: () => {} })
  const tag = smoke ? randomUUID().slice(0, 6) : 'full'
  try {
    const [existing] = await admin<Array<{ pages: number }>>`select count(*)::int as pages from public.pages where slug like ${`seite-${tag}-%`}`
    if (existing!.pages === 0) {
      const started = Date.now()
      console.log(`seeding ${scale.clients} clients, ${scale.groups} groups, ${scale.pages} pages …`)
      await seedPages(admin, scale, tag)
      console.log(`seeded in ${Math.round((Date.now() - started) / 1000)} s`)
    }
    const sign = async (personas: Persona[]) => Promise.all(personas.map(async (persona) => {
      // What the caller may see, by the rule itself (the answers are checked against it).
      const slugs = (await admin<Array<{ slug: string }>>`
        select p.slug from public.pages as p where p.id in (select private.page_ids_for(${persona.id}::uuid)) order by p.slug`).map(row => row.slug)
      return { ...persona, token: await accessToken(config.jwtSecret, persona.id, persona.sessionId), visible: slugs.length, slugs }
    }))
    const staff = await sign(await prepareCallers(admin, tag, 'staff', scale.staff))
    const clients = await sign(await prepareCallers(admin, tag, 'client', smoke ? scale.clients : 50))
    const listed = (answer: unknown) => answer as ListedPage[]
    const queries: Query[] = [
      {
        name: 'clientList', what: 'a client user\'s pages, first page (pinned first, newest first)', rpc: 'list_pages', callers: clients,
        args: () => ({ max_count: 25 }),
        check: (answer, caller) => listed(answer).length === Math.min(25, caller.visible)
          && listed(answer).every(page => page.published && page.archived_at === null && page.audiences.length > 0),
      },
      {
        // Only callers with a page to open (a client may have none; its slug would be missing).
        name: 'clientPage', what: 'one of the client user\'s pages by slug, with audiences and appointments', rpc: 'get_page',
        callers: clients.filter(caller => caller.visible > 0),
        args: (caller, round) => ({ slug: caller.slugs[round % caller.slugs.length] }),
        check: (answer, caller, round) => (answer as { slug: string }).slug === caller.slugs[round % caller.slugs.length],
      },
      {
        name: 'staffDrafts', what: 'staff: the drafts, first page', rpc: 'list_pages', callers: staff,
        args: () => ({ status: 'draft', max_count: 25 }),
        check: answer => listed(answer).length > 0 && listed(answer).every(page => !page.published),
      },
    ]

    const results: Record<string, { what: string, request: string, single: LoadResult, concurrent: LoadResult }> = {}
    for (const query of queries) {
      const rounds = new Map<number, number>()
      const request = (callerIndex: number) => {
        const who = query.callers[callerIndex % query.callers.length]!
        const round = (rounds.get(callerIndex) ?? 0) + 1
        rounds.set(callerIndex, round)
        return callRpc(config, query.rpc, who.token, query.args(who, round)).then(answer => query.check(answer, who, round))
      }
      await runLoad({ concurrency: 4, requests: smoke ? 4 : 100, maxSeconds: 10 }, request)
      let next = 0
      const single = await runLoad(load.single, () => request(next++))
      const concurrent = await runLoad(load.concurrent, request)
      results[query.name] = { what: query.what, request: `POST /rest/v1/rpc/${query.rpc} ${JSON.stringify(query.args(query.callers[0]!, 0))}`, single, concurrent }
      console.log(`${query.name.padEnd(12)} 1 caller p50 ${single.p50} p95 ${single.p95} p99 ${single.p99} ms | ${concurrent.concurrency} callers p50 ${concurrent.p50} p95 ${concurrent.p95} p99 ${concurrent.p99} ms | errors ${single.errors + concurrent.errors}`)
    }

    const [counts] = await admin<Array<{ clients: number, groups: number, pages: number, audiences: number, appointments: number }>>`
      select (select count(*)::int from public.clients) as clients, (select count(*)::int from public.client_groups) as groups,
             (select count(*)::int from public.pages) as pages, (select count(*)::int from public.page_audiences) as audiences,
             (select count(*)::int from public.appointments) as appointments`
    const report = {
      benchmark: 'pages: a client\'s page list and a page through the REST API',
      mode: smoke ? 'smoke' : 'full',
      measuredAt: new Date().toISOString(),
      target: { url: config.apiUrl, p95SingleCallerMs: 20, p95At50CallersMs: 100 },
      dataset: { ...counts, seededScale: scale, callers: { staff: staff.length, clients: clients.length },
        pagesPerClientCaller: { min: Math.min(...clients.map(c => c.visible)), max: Math.max(...clients.map(c => c.visible)) } },
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
