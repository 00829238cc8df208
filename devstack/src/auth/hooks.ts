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

type ClaimType = 'string' | 'integer' | 'array' | 'object'

/** GoTrue's MinimumViableTokenSchema (tokens/service.go): the types it checks and what it requires. */
const claimTypes: Record<string, ClaimType[]> = {
  aud: ['string', 'array'], exp: ['integer'], jti: ['string'], iat: ['integer'], iss: ['string'], nbf: ['integer'],
  sub: ['string'], email: ['string'], phone: ['string'], app_metadata: ['object'], user_metadata: ['object'],
  role: ['string'], aal: ['string'], amr: ['array'], session_id: ['string'], client_id: ['string'],
}
const requiredClaims = ['aud', 'exp', 'iat', 'sub', 'email', 'phone', 'role', 'aal', 'session_id', 'is_anonymous']

function jsonType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}

/**
 * The custom access token hook's claims as GoTrue accepts them, or its 500 listing what does not
 * conform (in gojsonschema's words).
 */
export function validateTokenClaims(claims: unknown): Record<string, unknown> {
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) {
    throw new AuthError(500, 'unexpected_failure', `output claims do not conform to the expected schema: \n- (root): Invalid type. Expected: object, given: ${jsonType(claims)}\n`)
  }
  const given = claims as Record<string, unknown>
  const problems = [
    ...requiredClaims.filter(key => !(key in given)).map(key => `(root): ${key} is required`),
    ...Object.entries(claimTypes).filter(([key, types]) => key in given && !types.includes(jsonType(given[key]) as ClaimType))
      .map(([key, types]) => `${key}: Invalid type. Expected: ${types.length > 1 ? `[${types.join(',')}]` : types[0]}, given: ${jsonType(given[key])}`),
    ...(Array.isArray(given.amr) ? given.amr : []).flatMap((entry, index) =>
      (['string', 'object'].includes(jsonType(entry)) ? [] : [`amr.${index}: Must validate at least one schema (anyOf)`])),
  ]
  if (problems.length) {
    throw new AuthError(500, 'unexpected_failure', `output claims do not conform to the expected schema: \n${problems.map(problem => `- ${problem}\n`).join('')}`)
  }
  return given
}
