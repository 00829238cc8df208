// Sign-in, refresh, sign-out and the user's own record (token.go, token_refresh.go, logout.go,
// user.go).
import { sendJson } from '../shared/http.ts'
import { requireUser } from './authenticate.ts'
import { type AuthService, objectField, type RequestContext, stringField } from './context.ts'
import { validateEmail } from './email.ts'
import { AuthError, badRequest, databaseStep, forbidden, notImplemented, tooManyRequests, unprocessable } from './errors.ts'
import { callHook } from './hooks.ts'
import { assertStrongPassword, hashPassword, passwordWeakness, verifyPassword } from './password.ts'
import type { TokenBucketLimiter } from './ratelimit.ts'
import { userJson } from './serialize.ts'
import { audit, type Db, deleteSessions, factorsOf, findUserByEmail, findUserById, identitiesOf, isBanned, mergeMetadata, type RefreshTokenRow, type UserRow } from './store.ts'
import { sendEmailChange } from './link-mail.ts'
import { useNonce } from './link-routes.ts'
import { aalAndAmr, sessionResponse, startSession, swapRefreshToken } from './tokens.ts'

export const invalidCredentials = 'Invalid login credentials'

export function rateLimit(limiter: TokenBucketLimiter, ctx: RequestContext): void {
  if (!limiter.take(ctx.ip)) throw tooManyRequests('over_request_rate_limit', 'Request rate limit reached')
}

export const sessionMeta = (ctx: RequestContext) => ({ ip: ctx.ip, userAgent: ctx.req.headers['user-agent'] })

export async function token(auth: AuthService, ctx: RequestContext): Promise<void> {
  const grantType = ctx.url.searchParams.get('grant_type')
  if (grantType === 'password') return passwordGrant(auth, ctx)
  if (grantType === 'refresh_token') return refreshGrant(auth, ctx)
  if (grantType === 'pkce') throw notImplemented('The PKCE flow (grant_type=pkce)')
  if (grantType === 'id_token') throw badRequest('provider_disabled', 'Provider (issuer "") is not enabled')
  throw badRequest('invalid_credentials', 'unsupported_grant_type')
}

async function passwordGrant(auth: AuthService, ctx: RequestContext): Promise<void> {
  rateLimit(auth.limiters.token, ctx)
  const body = await ctx.body()
  const email = stringField(body, 'email')
  const phone = stringField(body, 'phone')
  const password = stringField(body, 'password')
  if (email && phone) throw badRequest('validation_failed', 'Only an email address or phone number should be provided on login.')
  if (phone) throw unprocessable('phone_provider_disabled', 'Phone logins are disabled')
  if (!email) throw badRequest('validation_failed', 'Missing email or phone')
  if (!auth.settings.emailProviderEnabled) throw unprocessable('email_provider_disabled', 'Email logins are disabled')
  const user = await findUserByEmail(auth.sql, email)
  if (!user) throw badRequest('invalid_credentials', invalidCredentials)
  const valid = await verifyPassword(password, user.encrypted_password)

  const hook = auth.settings.hooks.passwordVerificationAttempt
  if (hook.enabled) {
    const output = await callHook(auth.sql, hook, 'password-verification', { user_id: user.id, valid }, ctx.ip)
    if (output.decision === 'reject') {
      if (output.should_logout_user === true) await deleteSessions(auth.sql, user.id, 'global', null)
      const message = typeof output.message === 'string' && output.message ? output.message : 'Further password verification attempts will be rejected.'
      throw badRequest('invalid_credentials', message)
    }
  }
  if (!valid) throw badRequest('invalid_credentials', invalidCredentials)
  if (!user.email_confirmed_at) throw badRequest('email_not_confirmed', 'Email not confirmed')
  if (isBanned(user)) throw badRequest('user_banned', 'User is banned')

  const session = await auth.sql.begin(async (tx) => {
    await audit(tx, user, 'login', ctx.ip, { provider: 'email' })
    return startSession(auth, tx, user, 'password', sessionMeta(ctx))
  })
  // The stored password predates a stricter policy: the client is told so it can ask for a new one.
  const weakness = passwordWeakness(password, auth.settings)
  sendJson(ctx.res, 200, weakness ? { ...session, weak_password: weakness } : session)
}

interface RefreshLookup { token: RefreshTokenRow, session: { id: string, created_at: Date, not_after: Date | null, refreshed_at: Date | null } | null }

async function findRefreshToken(db: Db, value: string, forUpdate: boolean): Promise<RefreshLookup | null> {
  const lock = forUpdate ? db`for update of t` : db``
  const [row] = await db<Array<RefreshTokenRow & { s_id: string | null, s_created_at: Date | null, s_not_after: Date | null, s_refreshed_at: Date | null }>>`
    select t.*, s.id as s_id, s.created_at as s_created_at, s.not_after as s_not_after,
      s.refreshed_at at time zone 'utc' as s_refreshed_at
    from auth.refresh_tokens t left join auth.sessions s on s.id = t.session_id
    where t.token = ${value} ${lock}`
  if (!row) return null
  const { s_id, s_created_at, s_not_after, s_refreshed_at, ...token } = row
  return { token, session: s_id ? { id: s_id, created_at: s_created_at!, not_after: s_not_after, refreshed_at: s_refreshed_at } : null }
}

/** Session.CheckValidity: not_after, the absolute timebox and the inactivity timeout. */
export function sessionExpiry(auth: AuthService, session: NonNullable<RefreshLookup['session']>, tokenUpdatedAt: Date, now = Date.now()): 'valid' | 'expired' | 'timed_out' {
  if (session.not_after && now > session.not_after.getTime()) return 'expired'
  const { sessionTimeboxMs, sessionInactivityTimeoutMs } = auth.settings
  if (sessionTimeboxMs && now > session.created_at.getTime() + sessionTimeboxMs) return 'expired'
  const lastActive = (session.refreshed_at ?? tokenUpdatedAt ?? session.created_at).getTime()
  if (sessionInactivityTimeoutMs && now > lastActive + sessionInactivityTimeoutMs) return 'timed_out'
  return 'valid'
}

async function refreshGrant(auth: AuthService, ctx: RequestContext): Promise<void> {
  rateLimit(auth.limiters.token, ctx)
  const value = stringField(await ctx.body(), 'refresh_token')
  if (!value) throw badRequest('validation_failed', 'refresh_token required')
  const found = await findRefreshToken(auth.sql, value, false)
  if (!found) throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found')
  const user = await findUserById(auth.sql, found.token.user_id)
  if (!user) throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found')
  if (isBanned(user)) throw badRequest('user_banned', 'Invalid Refresh Token: User Banned')
  if (!found.session) {
    await auth.sql`delete from auth.refresh_tokens where id = ${found.token.id}`
    throw badRequest('session_not_found', 'Invalid Refresh Token: No Valid Session Found')
  }
  const validity = sessionExpiry(auth, found.session, found.token.updated_at)
  if (validity === 'timed_out') throw badRequest('session_expired', 'Invalid Refresh Token: Session Expired (Inactivity)')
  if (validity === 'expired') throw badRequest('session_expired', 'Invalid Refresh Token: Session Expired')

  let reuseRejected = false
  const response = await auth.sql.begin(async (tx) => {
    const locked = await findRefreshToken(tx, value, true)
    if (!locked?.session) throw badRequest('session_not_found', 'Invalid Refresh Token: No Valid Session Found')
    const { token: current, session } = locked
    let issued: RefreshTokenRow | null = null
    if (current.revoked) {
      const [active] = await tx<RefreshTokenRow[]>`
        select * from auth.refresh_tokens where session_id = ${session.id} and revoked = false order by id desc limit 1`
      if (active && active.parent === current.token) {
        // The client lost the answer of its last refresh: it gets that answer's token again.
        issued = active
      }
      else if (Date.now() > current.updated_at.getTime() + auth.settings.refreshTokenReuseIntervalSeconds * 1000) {
        if (auth.settings.refreshTokenRotation) {
          await tx`update auth.refresh_tokens set revoked = true, updated_at = now() where session_id = ${session.id} and revoked = false`
        }
        reuseRejected = true
        return null
      }
    }
    await audit(tx, user, 'token_refreshed', ctx.ip)
    issued ??= await swapRefreshToken(tx, current)
    await tx`
      update auth.sessions set refreshed_at = now() at time zone 'utc', updated_at = now(),
        user_agent = ${ctx.req.headers['user-agent'] ?? null}, ip = ${ctx.ip}
      where id = ${session.id}`
    return sessionResponse(auth, tx, user, session.id, issued.token, 'token_refresh', ctx.ip)
  })
  // The family is revoked (committed) before the refusal, as GoTrue's NewCommitWithError.
  if (reuseRejected || !response) throw badRequest('refresh_token_already_used', 'Invalid Refresh Token: Already Used')
  sendJson(ctx.res, 200, response)
}

export async function logout(auth: AuthService, ctx: RequestContext): Promise<void> {
  const caller = await requireUser(auth, ctx)
  const scope = ctx.url.searchParams.get('scope') || 'global'
  if (scope !== 'global' && scope !== 'local' && scope !== 'others') throw badRequest('validation_failed', `Unsupported logout scope "${scope}"`)
  await auth.sql.begin(async (tx) => {
    await audit(tx, caller.user, 'logout', ctx.ip)
    await deleteSessions(tx, caller.user.id, scope, caller.session?.id ?? null)
  })
  ctx.res.writeHead(204).end()
}

export async function userResponse(auth: AuthService, user: UserRow) {
  const [identities, factors] = await Promise.all([identitiesOf(auth.sql, user.id), factorsOf(auth.sql, user.id)])
  return userJson(user, identities, factors)
}

export async function getUser(auth: AuthService, ctx: RequestContext): Promise<void> {
  const { user } = await requireUser(auth, ctx)
  sendJson(ctx.res, 200, await userResponse(auth, user))
}

/** A session that has used a second factor (Session.IsAAL2 after the MFA claims). */
async function isAal2(auth: AuthService, sessionId: string | undefined): Promise<boolean> {
  return sessionId !== undefined && (await aalAndAmr(auth.sql, sessionId)).aal === 'aal2'
}

/** PUT /user (user.go UserUpdate): metadata, a new password, or a new address confirmed by mail. */
export async function updateUser(auth: AuthService, ctx: RequestContext): Promise<void> {
  const caller = await requireUser(auth, ctx)
  rateLimit(auth.limiters.user, ctx)
  const body = await ctx.body()
  const given = stringField(body, 'email')
  const email = given ? validateEmail(given) : ''
  const phone = stringField(body, 'phone')
  const password = typeof body.password === 'string' ? body.password : null
  if (password !== null) assertStrongPassword(password, auth.settings)
  if (objectField(body, 'app_metadata')) throw forbidden('not_admin', 'Updating app_metadata requires admin privileges')
  if (phone) throw notImplemented('Changing the phone number through PUT /user')
  const changesEmail = email !== '' && email !== caller.user.email
  const hasVerifiedFactor = (await factorsOf(auth.sql, caller.user.id)).some(factor => factor.status === 'verified')
  if (hasVerifiedFactor && (password || changesEmail) && !await isAal2(auth, caller.session?.id)) {
    throw new AuthError(401, 'insufficient_aal', 'AAL2 session is required to update email or password when MFA is enabled.')
  }
  if (changesEmail) {
    const other = await findUserByEmail(auth.sql, email)
    if (other && other.id !== caller.user.id) throw unprocessable('email_exists', 'A user with this email address has already been registered')
  }
  const data = objectField(body, 'data')
  const updated = await auth.sql.begin(async (tx) => {
    if (password !== null) {
      // secure_password_change: a session older than 24 hours needs the nonce of GET /reauthenticate.
      if (auth.settings.securePasswordChange && (!caller.session || Date.now() > caller.session.created_at.getTime() + 24 * 3600_000)) {
        const nonce = stringField(body, 'nonce')
        if (!nonce) throw badRequest('reauthentication_needed', 'Password update requires reauthentication')
        await useNonce(auth, tx, caller.user, nonce)
      }
      if (password && await verifyPassword(password, caller.user.encrypted_password)) {
        throw unprocessable('same_password', 'New password should be different from the old password.')
      }
      await tx`update auth.users set encrypted_password = ${await hashPassword(password)}, updated_at = now() where id = ${caller.user.id}`
      // models.User.UpdatePassword signs the user out everywhere else.
      if (caller.session) await deleteSessions(tx, caller.user.id, 'others', caller.session.id)
      await audit(tx, caller.user, 'user_updated_password', ctx.ip)
    }
    if (data) {
      await databaseStep('Error updating user', () =>
        tx`update auth.users set raw_user_meta_data = ${tx.json(mergeMetadata(caller.user.raw_user_meta_data, data) as never)}, updated_at = now() where id = ${caller.user.id}`)
    }
    if (changesEmail) await sendEmailChange(auth, tx, (await findUserById(tx, caller.user.id))!, email, ctx.url.searchParams.get('redirect_to'))
    await audit(tx, caller.user, 'user_modified', ctx.ip)
    return (await findUserById(tx, caller.user.id))!
  })
  sendJson(ctx.res, 200, await userResponse(auth, updated))
}
