// REST benchmark: an RLS-protected list query (the shape of the portal's lists) as a signed-in
// user, with 1 and with 50 concurrent clients over keep-alive connections on loopback. Bounded by
// request count and time. Writes bench/results/rest.json and rest.md. Not part of `make test`.
//
//   node bench/rest/run.ts          (against the running devstack: `make dev` first, or `make bench-rest`)
//   SUPABASE_URL=… SUPABASE_JWT_SECRET=… DB_URL=… node bench/rest/run.ts   (another stack)
import { randomUUID } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { dbUrl, loadConfig } from '../../devstack/src/config.ts'
import { accessToken, runLoad } from '../lib/load.ts'

const config = loadConfig()
const apiUrl = process.env.SUPABASE_URL || config.apiUrl
const anonKey = process.env.SUPABASE_ANON_KEY || config.anonKey
const jwtSecret = process.env.SUPABASE_JWT_SECRET || config.jwtSecret
const databaseUrl = process.env.DB_URL || dbUrl(config)
const resultsDir = join(import.meta.dirname, '..', 'results')

const owners = 20
const rowsPerOwner = 500
const scenarios = [
  { name: '1 client', concurrency: 1, requests: 2_000, maxSeconds: 20 },
  { name: '50 clients', concurrency: 50, requests: 10_000, maxSeconds: 30 },
]

async function prepare(): Promise<string> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  try {
    await sql.unsafe(`
      create table if not exists public.bench_rest_documents (
        id bigint generated always as identity primary key,
        owner_id uuid not null,
        title text not null,
        status text not null default 'open',
        created_at timestamptz not null default now()
      );
      create index if not exists bench_rest_documents_owner_created_idx on public.bench_rest_documents (owner_id, created_at desc);
      alter table public.bench_rest_documents enable row level security;
      drop policy if exists "Owners read their documents" on public.bench_rest_documents;
      create policy "Owners read their documents" on public.bench_rest_documents for select to authenticated
        using (owner_id = (select auth.uid()));
      grant select on public.bench_rest_documents to authenticated;
    `)
    const [existing] = await sql<Array<{ owner_id: string, rows: number }>>`
      select owner_id, count(*)::int as rows from public.bench_rest_documents group by owner_id order by owner_id limit 1`
    let owner = existing?.owner_id
    if (!owner) {
      const ids = Array.from({ length: owners }, () => randomUUID())
      await sql`
        insert into public.bench_rest_documents (owner_id, title, status, created_at)
        select (${ids}::uuid[])[1 + (n % ${owners})], 'Dokument ' || n, (array['open', 'done', 'archived'])[1 + n % 3], now() - n * interval '1 minute'
        from generate_series(1, ${owners * rowsPerOwner}) as n`
      await sql`analyze public.bench_rest_documents`
      owner = ids[0]!
    }
    await sql`notify pgrst, 'reload schema'`
    return owner
  }
  finally {
    await sql.end()
  }
}

const listUrl = `${apiUrl}/rest/v1/bench_rest_documents?select=id,title,status,created_at&status=neq.archived&order=created_at.desc&limit=50`

async function waitForTable(headers: Record<string, string>): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await fetch(listUrl, { headers })
    await response.arrayBuffer()
    if (response.ok) return
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`the REST API does not serve bench_rest_documents at ${apiUrl}: is the devstack running (make dev)?`)
}

async function runScenario(scenario: typeof scenarios[number], headers: Record<string, string>) {
  const result = await runLoad(scenario, async () => {
    const response = await fetch(listUrl, { headers })
    const body = await response.json() as unknown[]
    return response.ok && body.length === 50
  })
  const { p50, p95, p99, max, ...counts } = result
  return { scenario: scenario.name, ...counts, latencyMs: { p50, p95, p99, max } }
}

async function main(): Promise<void> {
  const owner = await prepare()
  // The table's policy needs no live session, so a made-up session id does.
  const headers = { 'apikey': anonKey, 'Authorization': `Bearer ${await accessToken(jwtSecret, owner, randomUUID())}`, 'Accept-Profile': 'public' }
  await waitForTable(headers)
  await runScenario({ name: 'warm-up', concurrency: 4, requests: 300, maxSeconds: 10 }, headers)
  const results = []
  for (const scenario of scenarios) {
    const result = await runScenario(scenario, headers)
    console.log(`${result.scenario.padEnd(11)} ${String(result.requestsPerSecond).padStart(8)} req/s  p50 ${result.latencyMs.p50} ms  p95 ${result.latencyMs.p95} ms  p99 ${result.latencyMs.p99} ms  (${result.requests} requests, ${result.errors} errors)`)
    results.push(result)
  }
  const report = {
    benchmark: 'rest list query under RLS',
    query: `GET ${new URL(listUrl).pathname}${new URL(listUrl).search}`,
    dataset: `${owners * rowsPerOwner} rows, ${owners} owners; the caller owns ${rowsPerOwner}, RLS policy owner_id = (select auth.uid()), index (owner_id, created_at desc)`,
    target: apiUrl,
    machine: {
      cpus: availableParallelism(),
      model: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
      note: 'load generator and server share the machine',
    },
    measuredAt: new Date().toISOString(),
    results,
  }
  mkdirSync(resultsDir, { recursive: true })
  writeFileSync(join(resultsDir, 'rest.json'), `${JSON.stringify(report, null, 2)}\n`)
  const rows = results.map(r => `| ${r.scenario} | ${r.requestsPerSecond} | ${r.latencyMs.p50} | ${r.latencyMs.p95} | ${r.latencyMs.p99} | ${r.requests} | ${r.errors} |`)
  writeFileSync(join(resultsDir, 'rest.md'), [
    '# REST benchmark',
    '',
    `${report.query} as a signed-in user; ${report.dataset}.`,
    `Measured ${report.measuredAt} against ${report.target} on ${report.machine.cpus} CPUs (${report.machine.model}, load average ${report.machine.loadAverage1m} at the end), Node ${report.machine.node}; ${report.machine.note}.`,
    '',
    '| clients | req/s | p50 ms | p95 ms | p99 ms | requests | errors |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n'))
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
