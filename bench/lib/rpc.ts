// What the REST benchmarks share besides the load loop: an RPC call as a signed-in user, the
// EXPLAIN ANALYZE of the query inside an RPC (auto_explain as the caller), the callers' sessions,
// and the benchmark's own devstack instance.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname } from 'node:path'
import postgres from 'postgres'
import { dbUrl, loadConfig, type DevstackConfig } from '../../devstack/src/config.ts'
import { runStreaming } from '../../tests/helpers/command.ts'

export interface Persona { id: string, sessionId: string, clientId: string | null }
export interface Caller extends Persona { token: string }

export async function devstackCommand(config: DevstackConfig, env: NodeJS.ProcessEnv, command: string): Promise<void> {
  const { code, output } = await runStreaming(process.execPath, [`${config.root}/devstack/src/cli.ts`, command], { env, quiet: true })
  if (code !== 0) throw new Error(`devstack ${command} failed:\n${output}`)
}

/**
 * Where a benchmark runs: its own instance at full size (ports + `portOffset`; odd hundreds, since
 * other checkouts' instances sit at even ones, in steps of 200, test + 1000), or the running
 * instance it is pointed at (`--smoke --instance test` in make test).
 */
export function benchInstance(options: { name: string, portOffset: number, smoke: boolean, instance?: string }) {
  const own = options.instance === undefined && !options.smoke
  const env = own
    ? { ...process.env, DEVSTACK_INSTANCE: options.name, DEVSTACK_PORT_OFFSET: String(Number(process.env.DEVSTACK_PORT_OFFSET || 0) + options.portOffset) }
    : { ...process.env, DEVSTACK_INSTANCE: options.instance ?? 'test' }
  const config = loadConfig(env)
  return { own, config, devstack: (command: string) => devstackCommand(config, env, command) }
}

export async function callRpc(config: DevstackConfig, rpc: string, token: string, args: Record<string, unknown>): Promise<unknown> {
  const response = await fetch(`${config.apiUrl}/rest/v1/rpc/${rpc}`, {
    method: 'POST',
    headers: { 'apikey': config.anonKey, 'Authorization': `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
  })
  const body = await response.json() as unknown
  if (!response.ok) throw new Error(`${rpc}: ${response.status} ${JSON.stringify(body)}`)
  return body
}

/** The bench's callers (users tagged `bench: tag`, e-mail containing `-<kind>-`) get fresh sessions and grace periods. */
export async function prepareCallers(sql: postgres.Sql, tag: string, kind: string, count: number): Promise<Persona[]> {
  const rows = await sql<Array<{ id: string, client_id: string | null }>>`
    select u.id, (select cm.client_id from public.client_members as cm where cm.user_id = u.id limit 1) as client_id from auth.users as u
     where u.raw_user_meta_data ->> 'bench' = ${tag} and u.email like ${`%-${kind}-%`}
     order by u.email limit ${count}`
  const personas: Persona[] = []
  for (const row of rows) {
    const [session] = await sql<Array<{ id: string }>>`
      insert into auth.sessions (id, user_id, created_at, updated_at, aal) values (gen_random_uuid(), ${row.id}, now(), now(), 'aal1') returning id`
    personas.push({ id: row.id, sessionId: session!.id, clientId: row.client_id })
  }
  await sql`update auth.users set created_at = now() where id = any (${personas.map(persona => persona.id)}::uuid[])`
  return personas
}

interface PlanNode { 'Node Type': string, 'Relation Name'?: string, 'Index Name'?: string, 'Plans'?: PlanNode[], 'Actual Total Time'?: number }
export interface Explained { query: string, seqScans: string[], indexes: string[], plan: PlanNode }

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)]

/**
 * EXPLAIN ANALYZE of the query inside `rpc` whose text matches `statement`, through auto_explain
 * as the caller (role and claims), after one warm call in the same session.
 */
export async function explainRpc(config: DevstackConfig, rpc: string, args: Record<string, unknown>, caller: Persona, statement: RegExp): Promise<Explained> {
  const notices: string[] = []
  const sql = postgres(dbUrl(config, 'supabase_admin'), { max: 1, onnotice: notice => notices.push(String(notice.message)) })
  try {
    const entries = Object.entries(args)
    const text = `select * from public.${rpc}(${entries.map(([name], index) => `${name} => $${index + 1}`).join(', ')})`
    const values = entries.map(([, value]) => value) as postgres.ParameterOrJSON<never>[]
    await sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: caller.id, role: 'authenticated', aal: 'aal1', session_id: caller.sessionId })}, true)`
      await tx`set local role authenticated`
      await tx.unsafe(text, values)
      await tx`reset role`
      await tx`load 'auto_explain'`
      await tx.unsafe(`set local auto_explain.log_min_duration = 0; set local auto_explain.log_analyze = on;
                       set local auto_explain.log_nested_statements = on; set local auto_explain.log_format = json;
                       set local auto_explain.log_level = notice; set local client_min_messages = notice`)
      await tx`set local role authenticated`
      await tx.unsafe(text, values)
    })
  }
  finally {
    await sql.end()
  }
  const plans = notices.filter(message => message.includes('"Plan"')).map(message => JSON.parse(message.slice(message.indexOf('{'))) as { 'Query Text': string, 'Plan': PlanNode })
  const main = plans.find(entry => statement.test(entry['Query Text'].trim()))
  if (!main) throw new Error(`${rpc}: no plan of its query among ${plans.length} statements`)
  const nodes = nodesOf(main.Plan)
  return {
    query: main['Query Text'].replace(/\s+/g, ' ').trim(),
    seqScans: [...new Set(nodes.filter(node => node['Node Type'] === 'Seq Scan').map(node => node['Relation Name'] ?? '?'))],
    indexes: [...new Set(nodes.map(node => node['Index Name']).filter((name): name is string => Boolean(name)))],
    plan: main.Plan,
  }
}

/** Where the figures were taken: the load generator, API and database share this machine. */
export const machine = () => ({
  cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version,
  loadAverage1m: Math.round(loadavg()[0]! * 100) / 100, note: 'load generator, API and database share the machine',
})

/** Writes the report; a lost request (failed or wrong answer) makes the run fail. */
export function writeReport(file: string, report: { results: Record<string, { single: { errors: number }, concurrent: { errors: number } }> }): void {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`)
  console.log(`written to ${file}`)
  const lost = Object.values(report.results).reduce((sum, result) => sum + result.single.errors + result.concurrent.errors, 0)
  if (lost > 0) {
    console.error(`${lost} requests failed or answered wrongly`)
    process.exitCode = 1
  }
}
