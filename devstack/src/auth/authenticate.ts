// GoTrue's requireAuthentication / requireAdminCredentials (internal/api/auth.go): the bearer
// must verify, its `sub` must be a user and its `session_id` (when present) a live session.
import type { JWTPayload } from 'jose'
import { type AuthService, type RequestContext, uuidPattern } from './context.ts'
import { badRequest, forbidden, unauthorized } from './errors.ts'
import { malformedTokenMessage, verificationMessage } from './jwt-messages.ts'
import { findUserById, isBanned, type SessionRow, type UserRow } from './store.ts'

export const adminRoles = ['service_role', 'supabase_admin']

export interface Caller {
  claims: JWTPayload & { role?: string, session_id?: string }
  user: UserRow
  session: SessionRow | null
}

/** GoTrue's bearerRegexp: `Bearer`, one space, the token (api.go). */
const bearer = /^bearer (\S+)$/i

async function verifiedClaims(auth: AuthService, ctx: RequestContext): Promise<Caller['claims']> {
  const token = bearer.exec(ctx.req.headers.authorization ?? '')?.[1]
  if (!token) throw unauthorized('no_authorization', 'This endpoint requires a valid Bearer token')
  const badJwt = (reason: string) => forbidden('bad_jwt', `invalid JWT: unable to parse or verify signature, ${reason}`)
  const malformed = malformedTokenMessage(token)
  if (malformed) throw badJwt(malformed)
  try {
    return await auth.jwt.verify(token)
  }
  catch (error) {
    throw badJwt(verificationMessage(error))
  }
}

export async function requireUser(auth: AuthService, ctx: RequestContext): Promise<Caller> {
  const claims = await verifiedClaims(auth, ctx)
  if (!claims.sub) throw forbidden('bad_jwt', 'invalid claim: missing sub claim')
  if (!uuidPattern.test(claims.sub)) throw badRequest('bad_jwt', 'invalid claim: sub claim must be a UUID')
  const user = await findUserById(auth.sql, claims.sub)
  if (!user) throw forbidden('user_not_found', 'User from sub claim in JWT does not exist')
  if (isBanned(user)) throw forbidden('user_banned', 'User is banned')
  let session: SessionRow | null = null
  if (claims.session_id && uuidPattern.test(claims.session_id)) {
    [session = null] = await auth.sql<SessionRow[]>`
      select id, user_id, created_at, updated_at, factor_id, aal, not_after, refreshed_at at time zone 'utc' as refreshed_at
      from auth.sessions where id = ${claims.session_id} and user_id = ${user.id}`
    if (!session) throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist')
  }
  return { claims, user, session }
}

export async function requireAdmin(auth: AuthService, ctx: RequestContext): Promise<Caller['claims']> {
  const claims = await verifiedClaims(auth, ctx)
  if (!adminRoles.includes(String(claims.role ?? ''))) throw forbidden('not_admin', 'User not allowed')
  return claims
}
