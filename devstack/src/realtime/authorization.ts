// Who may do what on a channel, decided the way Realtime decides it (lib/realtime/tenants/
// authorization.ex): the JWT is verified here, everything else runs in Postgres as the token's
// role with `request.jwt.claims` and `realtime.topic` set, against the RLS policies on
// realtime.messages. Read: probe rows for `broadcast` and `presence` are inserted, then selected as
// the user; write: the user inserts a row itself. Both transactions are rolled back.
import type { Sql } from 'postgres'
import type { JWTPayload } from 'jose'
import type { JwtKeys } from '../shared/jwt.ts'

export type Claims = JWTPayload & { role: string, exp: number, sub?: string }

export type TokenCheck
  = | { ok: true, claims: Claims }
    | { ok: false, code: string, message: string }

/** Realtime's confirm_token: a valid signature, not expired, and `role` and `exp` present. */
export async function verifyToken(jwt: JwtKeys, token: string): Promise<TokenCheck> {
  const cleaned = decodeURIComponent(token).replace(/\s/g, '')
  try {
    const claims = await jwt.verify(cleaned)
    if (typeof claims.role !== 'string' || typeof claims.exp !== 'number') {
      return { ok: false, code: 'InvalidJWTToken', message: 'Fields `role` and `exp` are required in JWT' }
    }
    return { ok: true, claims: claims as Claims }
  }
  catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'ERR_JWT_EXPIRED') {
      const exp = Number((error as { payload?: JWTPayload }).payload?.exp)
      return { ok: false, code: 'InvalidJWTToken', message: `Token has expired ${Math.max(0, Math.floor(Date.now() / 1000) - exp)} seconds ago` }
    }
    if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return { ok: false, code: 'JwtSignatureError', message: 'Failed to validate JWT signature' }
    return { ok: false, code: 'MalformedJWT', message: 'The token provided is not a valid JWT' }
  }
}

export interface AuthorizationContext {
  topic: string
  claims: Claims
  /** Request headers as `request.headers` shows them to policies. */
  headers: Record<string, string>
}

export type Extension = 'broadcast' | 'presence'

export interface ReadPermissions {
  broadcast: boolean
  presence: boolean
}

/** A Postgres error (an RLS policy failing, an unknown role) as opposed to a lost connection. */
export const isPolicyError = (error: unknown) => typeof (error as { code?: unknown }).code === 'string' && /^[0-9A-Z]{5}$/.test((error as { code: string }).code)

/**
 * Runs `work` in a transaction as the token's role with its claims set (as PostgREST and Realtime
 * do), after `beforeRole` ran as supabase_admin; always rolled back.
 */
export async function asCaller<T>(sql: Sql, context: AuthorizationContext, work: (conn: Sql) => Promise<T>, beforeRole?: (conn: Sql) => Promise<void>): Promise<T> {
  const conn = await sql.reserve()
  try {
    await conn`begin`
    await beforeRole?.(conn)
    await conn`
      select set_config('role', ${context.claims.role}, true),
             set_config('realtime.topic', ${context.topic}, true),
             set_config('request.jwt.claims', ${JSON.stringify(context.claims)}, true),
             set_config('request.jwt.claim.sub', ${context.claims.sub ?? ''}, true),
             set_config('request.jwt.claim.role', ${context.claims.role}, true),
             set_config('request.headers', ${JSON.stringify(context.headers)}, true)`
    return await work(conn)
  }
  finally {
    await conn`rollback`.catch(() => {})
    conn.release()
  }
}

export async function readPermissions(sql: Sql, context: AuthorizationContext): Promise<ReadPermissions> {
  let probes: Array<{ id: string, extension: Extension }> = []
  const visible = await asCaller(sql, context, async (conn) => {
    const rows = await conn<Array<{ id: string }>>`
      select id from realtime.messages
      where topic = ${context.topic} and id in ${conn(probes.map(probe => probe.id))}`
    return new Set(rows.map(row => row.id))
  }, async (conn) => {
    probes = await conn<Array<{ id: string, extension: Extension }>>`
      insert into realtime.messages (topic, extension) values (${context.topic}, 'broadcast'), (${context.topic}, 'presence')
      returning id, extension`
  })
  const allowed = (extension: Extension) => probes.some(probe => probe.extension === extension && visible.has(probe.id))
  return { broadcast: allowed('broadcast'), presence: allowed('presence') }
}

/** Whether the caller may insert a realtime.messages row of this extension for the topic. */
export async function writePermission(sql: Sql, context: AuthorizationContext, extension: Extension): Promise<boolean> {
  return asCaller(sql, context, async (conn) => {
    try {
      await conn`insert into realtime.messages (topic, extension) values (${context.topic}, ${extension})`
      return true
    }
    catch (error) {
      if ((error as { code?: string }).code === '42501') return false
      throw error
    }
  })
}
