// SQL fixtures for contract tests: applied as `postgres` once per content version (test files run
// in parallel, so an advisory lock serialises them and a hash skips files already applied), then
// PostgREST is told to reload its schema cache and the tests wait until it has.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { db } from './personas.ts'
import { testEnv } from './env.ts'

const fixtureDir = join(import.meta.dirname, '..', 'contract', 'fixtures')

export async function applyFixture(name: string): Promise<void> {
  const text = readFileSync(join(fixtureDir, `${name}.sql`), 'utf8')
  const hash = createHash('sha256').update(text).digest('hex')
  await db().begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('contract-fixtures'))`
    await tx`create table if not exists public.contract_fixture_versions (name text primary key, hash text not null)`
    const [current] = await tx<Array<{ hash: string }>>`select hash from public.contract_fixture_versions where name = ${name}`
    if (current?.hash === hash) return
    await tx.unsafe(text)
    await tx`insert into public.contract_fixture_versions (name, hash) values (${name}, ${hash}) on conflict (name) do update set hash = excluded.hash`
    await tx`notify pgrst, 'reload schema'`
  })
}

/** Waits until the REST API's schema cache knows `table` (PostgREST reloads asynchronously). */
export async function waitForRestTable(table: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const response = await fetch(`${testEnv.supabaseUrl}/rest/v1/${table}?limit=0`, {
      headers: { apikey: testEnv.serviceRoleKey, Authorization: `Bearer ${testEnv.serviceRoleKey}` },
    })
    if (response.ok) return
    if (Date.now() > deadline) throw new Error(`${table} did not appear in the REST schema cache: ${response.status} ${await response.text()}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/** Applies the REST fixture and waits until its newest objects are visible through the API. */
export async function restFixture(): Promise<void> {
  await applyFixture('rest')
  await waitForRestTable('contract_project_cards')
}

export interface RawResponse {
  status: number
  headers: Headers
  text: string
  /** The JSON body, or undefined when empty or not JSON. */
  json: unknown
}

/** A raw request to /rest/v1 (for headers and statuses supabase-js does not expose). */
export async function rest(path: string, init: RequestInit & { token?: string } = {}): Promise<RawResponse> {
  const { token = testEnv.anonKey, headers, ...rest } = init
  const response = await fetch(`${testEnv.supabaseUrl}/rest/v1${path}`, {
    ...rest,
    headers: { apikey: testEnv.anonKey, Authorization: `Bearer ${token}`, ...(headers as Record<string, string> | undefined) },
  })
  const text = await response.text()
  let json: unknown
  try {
    json = text ? JSON.parse(text) : undefined
  }
  catch {
    json = undefined
  }
  return { status: response.status, headers: response.headers, text, json }
}
