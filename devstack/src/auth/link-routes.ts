// The e-mail link flows the portal uses: invitations, password recovery, their verification and
// the admin's generate_link (invite.go, recover.go, verify.go, admin.go). Tokens are stored as
// GoTrue stores them: the SHA-224 hash of address + code in the users column and one_time_tokens.
import { sendJson } from '../shared/http.ts'
import { requireAdmin } from './authenticate.ts'
import { type AuthService, isEmail, objectField, type RequestContext, stringField } from './context.ts'
import { AuthError, badRequest, databaseStep, forbidden, notFound, notImplemented, tooManyRequests, unprocessable } from './errors.ts'
import type { MailKind } from './mailer.ts'
import { redirectTarget } from './redirect.ts'
import { userJson } from './serialize.ts'
import { rateLimit, sessionMeta, userResponse } from './session-routes.ts'
import { audit, clearOneTimeToken, type Db, factorsOf, findUserByEmail, identitiesOf, insertUser, newOtp, type OneTimeTokenType, storeOneTimeToken, tokenHash, type UserRow } from './store.ts'
import { type SessionResponse, startSession } from './tokens.ts'

/** Link types this twin handles, the token column each uses and the amr method of its session. */
const linkTypes: Record<string, { column: OneTimeTokenType, method: string }> = {
  invite: { column: 'confirmation_token', method: 'invite' },
  signup: { column: 'confirmation_token', method: 'otp' },
  recovery: { column: 'recovery_token', method: 'recovery' },
  magiclink: { column: 'recovery_token', method: 'magiclink' },
}

const redirectFor = (auth: AuthService, requested: string | null | undefined) =>
  redirectTarget(requested, auth.settings.siteUrl, auth.settings.additionalRedirectUrls)

function confirmationUrl(auth: AuthService, hash: string, type: string, redirectTo: string): string {
  return `${auth.settings.issuer}/verify?token=${hash}&type=${type}&redirect_to=${encodeURIComponent(redirectTo)}`
}

interface IssuedLink { otp: string, hash: string, actionLink: string, redirectTo: string }

async function issueLink(auth: AuthService, tx: Db, user: UserRow, type: 'invite' | 'recovery' | 'magiclink', requestedRedirect: string | null): Promise<IssuedLink> {
  const otp = newOtp(auth.settings.otpLength)
  const hash = tokenHash(user.email ?? '', otp)
  await storeOneTimeToken(tx, user, linkTypes[type]!.column, hash)
  if (type === 'invite') await tx`update auth.users set invited_at = now() where id = ${user.id}`
  const redirectTo = redirectFor(auth, requestedRedirect)
  return { otp, hash, redirectTo, actionLink: confirmationUrl(auth, hash, type, redirectTo) }
}

async function mailLink(auth: AuthService, kind: MailKind, user: UserRow, link: IssuedLink): Promise<void> {
  await auth.mailer.send(kind, user.email ?? '', {
    ConfirmationURL: link.actionLink,
    Token: link.otp,
    TokenHash: link.hash,
    SiteURL: auth.settings.siteUrl,
    Email: user.email ?? '',
    RedirectTo: link.redirectTo,
    Data: user.raw_user_meta_data ?? {},
  })
}

/** An invited user: a new one, or one invited before who never accepted (GoTrue re-invites it). */
async function userToInvite(auth: AuthService, tx: Db, email: string, data: Record<string, unknown>): Promise<UserRow> {
  const existing = await findUserByEmail(tx, email)
  if (existing?.email_confirmed_at) throw unprocessable('email_exists', 'A user with this email address has already been registered')
  if (existing) return existing
  return databaseStep('Database error saving new user', () =>
    insertUser(tx, { email, encryptedPassword: '', emailConfirmed: false, userMetadata: data, appMetadata: {}, role: 'authenticated', invited: true }))
}

export async function invite(auth: AuthService, ctx: RequestContext): Promise<void> {
  await requireAdmin(auth, ctx)
  const body = await ctx.body()
  const email = stringField(body, 'email').trim()
  if (!isEmail(email)) throw badRequest('validation_failed', 'Unable to validate email address: invalid format')
  const user = await auth.sql.begin(async (tx) => {
    const invited = await userToInvite(auth, tx, email, objectField(body, 'data') ?? {})
    const link = await issueLink(auth, tx, invited, 'invite', ctx.url.searchParams.get('redirect_to'))
    await audit(tx, invited, 'user_invited', ctx.ip, { user_id: invited.id, user_email: invited.email })
    // Sent inside the transaction: a mail that cannot go out leaves no half-invited user.
    await mailLink(auth, 'invite', invited, link)
    return (await tx<UserRow[]>`select * from auth.users where id = ${invited.id}`)[0]!
  })
  sendJson(ctx.res, 200, await userResponse(auth, user))
}

/** 200 `{}` whether or not the address has an account: the answer never tells. */
export async function recover(auth: AuthService, ctx: RequestContext): Promise<void> {
  rateLimit(auth.limiters.recover, ctx)
  const email = stringField(await ctx.body(), 'email').trim()
  if (!email) throw unprocessable('validation_failed', 'Password recovery requires an email')
  if (!isEmail(email)) throw badRequest('validation_failed', 'Unable to validate email address: invalid format')
  const user = await findUserByEmail(auth.sql, email)
  if (user) {
    const sentAt = user.recovery_sent_at?.getTime()
    const waitMs = sentAt === undefined ? 0 : sentAt + auth.settings.emailMaxFrequencyMs - Date.now()
    if (waitMs > 0) {
      throw tooManyRequests('over_email_send_rate_limit', `For security purposes, you can only request this after ${Math.ceil(waitMs / 1000)} seconds.`)
    }
    await auth.sql.begin(async (tx) => {
      const link = await issueLink(auth, tx, user, 'recovery', ctx.url.searchParams.get('redirect_to'))
      await audit(tx, user, 'user_recovery_requested', ctx.ip)
      await mailLink(auth, 'recovery', user, link)
    })
  }
  sendJson(ctx.res, 200, {})
}

const linkExpired = () => forbidden('otp_expired', 'Email link is invalid or has expired')
const tokenExpired = () => forbidden('otp_expired', 'Token has expired or is invalid')

/** The user a link/code belongs to, if it is valid and not expired; the token is used up. */
async function consumeToken(auth: AuthService, tx: Db, type: string, match: { hash: string } | { email: string, otp: string }): Promise<UserRow | null> {
  const { column } = linkTypes[type]!
  let user: UserRow | undefined
  if ('hash' in match) {
    [user] = await tx<UserRow[]>`
      select u.* from auth.users u
      where u.id = (select user_id from auth.one_time_tokens where token_hash = ${match.hash} and token_type = ${column} limit 1)
         or (${column} = 'confirmation_token' and u.confirmation_token = ${match.hash})
         or (${column} = 'recovery_token' and u.recovery_token = ${match.hash})
      limit 1 for update`
  }
  else {
    const candidate = await findUserByEmail(tx, match.email)
    const hash = tokenHash(candidate?.email ?? '', match.otp)
    if (candidate && hash === (column === 'confirmation_token' ? candidate.confirmation_token : candidate.recovery_token)) user = candidate
  }
  if (!user) return null
  const stored = column === 'confirmation_token' ? user.confirmation_token : user.recovery_token
  const sentAt = column === 'confirmation_token' ? user.confirmation_sent_at : user.recovery_sent_at
  if (!stored || !sentAt || Date.now() > sentAt.getTime() + auth.settings.otpExpirySeconds * 1000) return null
  await clearOneTimeToken(tx, user.id, column)
  if (!user.email_confirmed_at) {
    await tx`update auth.users set email_confirmed_at = now(), updated_at = now() where id = ${user.id}`
    await tx`
      update auth.identities set identity_data = identity_data || '{"email_verified": true}'::jsonb, updated_at = now()
      where user_id = ${user.id} and provider = 'email'`
    await audit(tx, user, 'user_signedup', '', { provider: 'email' })
  }
  return (await tx<UserRow[]>`select * from auth.users where id = ${user.id}`)[0]!
}

export async function verify(auth: AuthService, ctx: RequestContext): Promise<void> {
  rateLimit(auth.limiters.verify, ctx)
  if (ctx.req.method === 'GET') return verifyLink(auth, ctx)
  const body = await ctx.body()
  const type = stringField(body, 'type')
  if (!linkTypes[type]) throw unsupportedVerifyType(type)
  const tokenHashValue = stringField(body, 'token_hash')
  const email = stringField(body, 'email')
  const otp = stringField(body, 'token')
  if (!tokenHashValue && !(email && otp)) throw unprocessable('validation_failed', 'Verify requires either a token or a token hash')
  const session = await auth.sql.begin(async (tx) => {
    const user = await consumeToken(auth, tx, type, tokenHashValue ? { hash: tokenHashValue } : { email, otp })
    if (!user) throw tokenExpired()
    return signInByLink(auth, tx, user, type, ctx)
  })
  sendJson(ctx.res, 200, session)
}

function unsupportedVerifyType(type: string): AuthError {
  const known = ['signup', 'invite', 'recovery', 'magiclink', 'email_change', 'email', 'sms', 'phone_change']
  return known.includes(type) ? notImplemented(`Verifying "${type}" tokens`) : badRequest('validation_failed', `Verify requires a verification type`)
}

async function signInByLink(auth: AuthService, tx: Db, user: UserRow, type: string, ctx: RequestContext): Promise<SessionResponse> {
  if (user.banned_until && user.banned_until.getTime() > Date.now()) throw forbidden('user_banned', 'User is banned')
  await audit(tx, user, 'login', ctx.ip, { provider: 'email' })
  return startSession(auth, tx, user, linkTypes[type]!.method, sessionMeta(ctx))
}

/** GET /verify: 303 to the redirect with the session (or the error) in the URL fragment. */
async function verifyLink(auth: AuthService, ctx: RequestContext): Promise<void> {
  const query = ctx.url.searchParams
  const type = query.get('type') ?? ''
  const redirectTo = redirectFor(auth, query.get('redirect_to'))
  const fragment = new URLSearchParams()
  try {
    if (!linkTypes[type]) throw unsupportedVerifyType(type)
    const session = await auth.sql.begin(async (tx) => {
      const user = await consumeToken(auth, tx, type, { hash: query.get('token') ?? '' })
      if (!user) throw linkExpired()
      return signInByLink(auth, tx, user, type, ctx)
    })
    fragment.set('access_token', session.access_token)
    fragment.set('expires_at', String(session.expires_at))
    fragment.set('expires_in', String(session.expires_in))
    fragment.set('refresh_token', session.refresh_token)
    fragment.set('token_type', session.token_type)
    fragment.set('type', type)
  }
  catch (error) {
    if (!(error instanceof AuthError) || error.status >= 500) throw error
    fragment.set('error', error.status === 403 ? 'access_denied' : 'invalid_request')
    fragment.set('error_code', error.code)
    fragment.set('error_description', error.message)
  }
  ctx.res.writeHead(303, { 'Location': `${redirectTo}#${fragment.toString()}`, 'Content-Length': '0' }).end()
}

export async function generateLink(auth: AuthService, ctx: RequestContext): Promise<void> {
  await requireAdmin(auth, ctx)
  const body = await ctx.body()
  const type = stringField(body, 'type')
  const email = stringField(body, 'email').trim()
  if (type !== 'invite' && type !== 'recovery' && type !== 'magiclink') {
    if (['signup', 'email_change_current', 'email_change_new'].includes(type)) throw notImplemented(`generate_link of type "${type}"`)
    throw badRequest('validation_failed', 'Invalid link type')
  }
  if (!isEmail(email)) throw badRequest('validation_failed', 'Unable to validate email address: invalid format')
  const requestedRedirect = stringField(body, 'redirect_to') || ctx.url.searchParams.get('redirect_to')
  const result = await auth.sql.begin(async (tx) => {
    const user = type === 'invite'
      ? await userToInvite(auth, tx, email, objectField(body, 'data') ?? {})
      : await findUserByEmail(tx, email)
    if (!user) throw notFound('user_not_found', 'User with this email not found')
    const link = await issueLink(auth, tx, user, type, requestedRedirect)
    const fresh = (await tx<UserRow[]>`select * from auth.users where id = ${user.id}`)[0]!
    return { link, user: userJson(fresh, await identitiesOf(tx, user.id), await factorsOf(tx, user.id)) }
  })
  sendJson(ctx.res, 200, {
    ...result.user,
    action_link: result.link.actionLink,
    email_otp: result.link.otp,
    hashed_token: result.link.hash,
    verification_type: type,
    redirect_to: result.link.redirectTo,
  })
}
