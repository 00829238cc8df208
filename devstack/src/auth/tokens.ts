// Sessions and tokens as GoTrue issues them: a row in auth.sessions, an amr claim per sign-in
// method in auth.mfa_amr_claims, a refresh token chain in auth.refresh_tokens, and an access token
// whose aal/amr/session_id come from those rows (tokens/service.go, models/sessions.go).
import { randomUUID } from 'node:crypto'
import { callHook, validateTokenClaims } from './hooks.ts'
import type { AuthService } from './context.ts'
import { internalError } from './errors.ts'
import { type Db, factorsOf, identitiesOf, newRefreshToken, nilInstance, type RefreshTokenRow, type UserRow } from './store.ts'
import { userJson } from './serialize.ts'

export const mfaMethods = ['totp', 'mfa/phone', 'mfa/webauthn']

export interface SessionResponse {
  access_token: string
  token_type: 'bearer'
  expires_in: number
  expires_at: number
  refresh_token: string
  user: ReturnType<typeof userJson>
  weak_password?: { reasons: string[], message: string }
}

export interface SessionMeta { ip: string, userAgent: string | undefined }

/** A new session for a sign-in by `method` (password, invite, recovery, magiclink, …). */
export async function startSession(auth: AuthService, tx: Db, user: UserRow, method: string, meta: SessionMeta): Promise<SessionResponse> {
  const sessionId = randomUUID()
  await tx`
    insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent, ip)
    values (${sessionId}, ${user.id}, now(), now(), 'aal1', ${meta.userAgent ?? null}, ${meta.ip})`
  await addAmrClaim(tx, sessionId, method)
  const refreshToken = await insertRefreshToken(tx, user.id, sessionId, null)
  await tx`update auth.users set last_sign_in_at = now(), updated_at = now() where id = ${user.id}`
  await tx`update auth.identities set last_sign_in_at = now(), updated_at = now() where user_id = ${user.id} and provider = 'email'`
  const fresh = (await tx<UserRow[]>`select * from auth.users where id = ${user.id}`)[0]!
  return sessionResponse(auth, tx, fresh, sessionId, refreshToken.token, method, meta.ip)
}

/** models.AddClaimToSession: one row per method, refreshed when used again. */
export async function addAmrClaim(tx: Db, sessionId: string, method: string): Promise<void> {
  await tx`
    insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at, authentication_method)
    values (${randomUUID()}, ${sessionId}, now(), now(), ${method})
    on conflict (session_id, authentication_method) do update set updated_at = now()`
}

export async function insertRefreshToken(tx: Db, userId: string, sessionId: string, parent: string | null): Promise<RefreshTokenRow> {
  const [row] = await tx<RefreshTokenRow[]>`
    insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
    values (${nilInstance}, ${newRefreshToken()}, ${userId}, false, now(), now(), ${parent}, ${sessionId})
    returning *`
  return row!
}

/** models.GrantRefreshTokenSwap: the old token is revoked and becomes the new one's parent. */
export async function swapRefreshToken(tx: Db, old: RefreshTokenRow): Promise<RefreshTokenRow> {
  await tx`update auth.refresh_tokens set revoked = true, updated_at = now() where id = ${old.id}`
  return insertRefreshToken(tx, old.user_id, old.session_id!, old.token)
}

export async function sessionResponse(auth: AuthService, tx: Db, user: UserRow, sessionId: string, refreshToken: string, method: string, ip: string): Promise<SessionResponse> {
  const { token, expiresAt } = await accessToken(auth, tx, user, sessionId, method, ip)
  const [identities, factors] = await Promise.all([identitiesOf(tx, user.id), factorsOf(tx, user.id)])
  return {
    access_token: token,
    token_type: 'bearer',
    expires_in: auth.settings.jwtExpirySeconds,
    expires_at: expiresAt,
    refresh_token: refreshToken,
    user: userJson(user, identities, factors),
  }
}

/** The session's assurance level and methods, most recent first (Session.CalculateAALAndAMR). */
export async function aalAndAmr(tx: Db, sessionId: string): Promise<{ aal: 'aal1' | 'aal2', amr: Array<{ method: string, timestamp: number }> }> {
  const claims = await tx<Array<{ authentication_method: string, updated_at: Date }>>`
    select authentication_method, updated_at from auth.mfa_amr_claims where session_id = ${sessionId} order by updated_at desc`
  const amr = claims.map(claim => ({ method: claim.authentication_method, timestamp: Math.floor(claim.updated_at.getTime() / 1000) }))
  return { aal: amr.some(entry => mfaMethods.includes(entry.method)) ? 'aal2' : 'aal1', amr }
}

async function accessToken(auth: AuthService, tx: Db, user: UserRow, sessionId: string, method: string, ip: string): Promise<{ token: string, expiresAt: number }> {
  const { aal, amr } = await aalAndAmr(tx, sessionId)
  const issuedAt = Math.floor(Date.now() / 1000)
  const expiresAt = issuedAt + auth.settings.jwtExpirySeconds
  let claims: Record<string, unknown> = {
    iss: auth.settings.issuer,
    sub: user.id,
    aud: user.aud ?? 'authenticated',
    exp: expiresAt,
    iat: issuedAt,
    email: user.email ?? '',
    phone: user.phone ?? '',
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    role: user.role ?? 'authenticated',
    aal,
    amr,
    session_id: sessionId,
    is_anonymous: user.is_anonymous,
  }
  const hook = auth.settings.hooks.customAccessToken
  if (hook.enabled) {
    const output = await callHook(tx, hook, 'customize-access-token', { user_id: user.id, claims, authentication_method: method }, ip)
    if (!('claims' in output)) throw internalError('output claims field is missing')
    // GoTrue signs the hook's claims as they are; `expires_at` in the answer stays its own.
    claims = validateTokenClaims(output.claims)
  }
  return { token: await auth.jwt.signClaims(claims), expiresAt }
}
