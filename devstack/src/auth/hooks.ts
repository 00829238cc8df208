// Auth hooks in their Postgres-function form, called as GoTrue calls them
// (internal/hooks/hookspgfunc): in a transaction as supabase_auth_admin, with a 2 s statement
// timeout, `select "<schema>"."<function>"($1::jsonb)`; the function answers with jsonb. An answer
// `{"error": {"http_code", "message"}}` fails the request with that status.
import { randomUUID } from 'node:crypto'
import { AuthError } from './errors.ts'
import type { HookSetting } from './settings.ts'
import type { Db } from './store.ts'

export type HookName = 'customize-access-token' | 'password-verification' | 'mfa-verification'

/** `pg-functions://postgres/<schema>/<function>` → its parts, or an error naming the bad URI. */
export function parseHookUri(uri: string): { schema: string, name: string } {
  const match = /^pg-functions:\/\/[^/]+\/([^/]+)\/([^/]+)$/.exec(uri)
  if (!match) throw new Error(`unsupported hook URI "${uri}": the devstack calls Postgres-function hooks only (pg-functions://postgres/<schema>/<function>)`)
  return { schema: match[1]!, name: match[2]! }
}

/**
 * Runs inside the caller's transaction when there is one (as GoTrue does), so the hook sees the
 * session being created.
 */
export async function callHook(db: Db, hook: HookSetting, name: HookName, input: Record<string, unknown>, ip: string): Promise<Record<string, unknown>> {
  const { schema, name: fn } = parseHookUri(hook.uri)
  const payload = { metadata: { uuid: randomUUID(), time: new Date().toISOString(), name, ip_address: ip }, ...input }
  let output: unknown
  try {
    const run = async (tx: Db) => {
      await tx`set local statement_timeout = '2s'`
      const [row] = await tx.unsafe(`select ${quoteIdent(schema)}.${quoteIdent(fn)}($1::jsonb) as output`, [payload as never])
      await tx`set local statement_timeout to default`
      return row?.output as unknown
    }
    output = 'savepoint' in db ? await db.savepoint(run) : await db.begin(run)
  }
  catch (error) {
    console.error(`[auth] hook ${hook.uri} failed:`, (error as Error).message)
    throw new AuthError(500, 'unexpected_failure', `Error running hook URI: ${hook.uri}`)
  }
  const result = (typeof output === 'string' ? JSON.parse(output) : output) as Record<string, unknown> | null
  if (!result || typeof result !== 'object') throw new AuthError(500, 'unexpected_failure', 'Hook returned no JSON object')
  const hookError = result.error as { http_code?: number, message?: string } | undefined
  if (hookError && typeof hookError === 'object') {
    throw new AuthError(hookError.http_code || 500, 'unexpected_failure', hookError.message || 'Unexpected error in hook')
  }
  return result
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}
