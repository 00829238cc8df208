// The e-mail link and code flows, as GoTrue v2.189 runs them (invite.go, recover.go, magic_link.go,
// otp.go, resend.go, reauthenticate.go, verify.go, mail.go): a code is mailed, its hash — GoTrue's
// crypto.GenerateTokenHash of address + code — is kept in the users column and in
// auth.one_time_tokens, and /verify (a link's token hash, or address + code) uses it up.
import { sendJson } from '../shared/http.ts'
import { requireAdmin, requireUser } from './authenticate.ts'
import { type AuthService, objectField, type RequestContext, stringField } from './context.ts'
import { validateEmail } from './email.ts'
import { AuthError, badRequest, databaseStep, forbidden, notFound, unprocessable } from './errors.ts'
import { hashPassword, randomPassword } from './password.ts'
import { isRedirectAllowed } from './redirect.ts'
import { userJson } from './serialize.ts'
import { rateLimit, sessionMeta, userResponse } from './session-routes.ts'
import { checkFrequency, linkMails, mailData, redirectFor, reloadUser, sendEmailChange, sendLinkMail, verifyUrl } from './link-mail.ts'
import { newEmailUser, signUpUser } from './signup-routes.ts'
import {
  audit, clearAllOneTimeTokens, type Db, factorsOf, findUserByEmail, findUserByToken, identitiesOf, insertUser, newOtp,
  type OneTimeTokenType, storeOneTimeToken, tokenHash, type UserRow,
} from './store.ts'
import { type SessionResponse, startSession } from './tokens.ts'

/** An invited user: a new one, or one invited before who never accepted (GoTrue re-invites it). */
async function userToInvite(tx: Db, email: string, data: Record<string, unknown>): Promise<UserRow> {
  const existing = await findUserByEmail(tx, email)
  if (existing?.email_confirmed_at) throw unprocessable('email_exists', 'A user with this email address has already been registered')
  if (existing) return existing
  return databaseStep('Database error saving new user', () =>
    insertUser(tx, { email, encryptedPassword: '', emailConfirmed: false, userMetadata: data, appMetadata: {}, role: 'authenticated', invited: true }))
}

export async function invite(auth: AuthService, ctx: RequestContext): Promise<void> {
  await requireAdmin(auth, ctx)
  const body = await ctx.body()
  const email = validateEmail(stringField(body, 'email'))
  const user = await auth.sql.begin(async (tx) => {
    const invited = await userToInvite(tx, email, objectField(body, 'data') ?? {})
    await sendLinkMail(auth, tx, invited, linkMails.invite, ctx.url.searchParams.get('redirect_to'))
    await audit(tx, invited, 'user_invited', ctx.ip, { user_id: invited.id, user_email: invited.email })
    return reloadUser(tx, invited.id)
  })
  sendJson(ctx.res, 200, await userResponse(auth, user))
}

function requireEmailProvider(auth: AuthService, status: 400 | 422 = 400): void {
  if (!auth.settings.emailProviderEnabled) throw new AuthError(status, 'email_provider_disabled', 'Email logins are disabled')
}

/** 200 `{}` whether or not the address has an account: the answer never tells. */
export async function recover(auth: AuthService, ctx: RequestContext): Promise<void> {
  rateLimit(auth.limiters.recover, ctx)
  requireEmailProvider(auth)
  const given = stringField(await ctx.body(), 'email')
  if (!given) throw badRequest('validation_failed', 'Password recovery requires an email')
  const email = validateEmail(given)
  const user = await findUserByEmail(auth.sql, email)
  if (user) {
    await auth.sql.begin(async (tx) => {
      await audit(tx, user, 'user_recovery_requested', ctx.ip)
      await sendLinkMail(auth, tx, user, linkMails.recovery, ctx.url.searchParams.get('redirect_to'))
    })
  }
  sendJson(ctx.res, 200, {})
}

/**
 * POST /magiclink and the e-mail half of POST /otp: a sign-in link for a confirmed account; an
 * unknown or unconfirmed address goes through sign-up (refused while sign-ups are off).
 */
async function magicLink(auth: AuthService, ctx: RequestContext, body: Record<string, unknown>): Promise<void> {
  requireEmailProvider(auth, 422)
  const given = stringField(body, 'email')
  if (!given) throw unprocessable('validation_failed', 'Password recovery requires an email')
  const email = validateEmail(given)
  const user = await findUserByEmail(auth.sql, email)
  if (!user?.email_confirmed_at) {
    await signUpUser(auth, ctx, { email, password: randomPassword(), data: objectField(body, 'data') ?? {} })
    if (!auth.settings.mailerAutoconfirm) return sendJson(ctx.res, 200, {})
    return magicLink(auth, ctx, { email, data: body.data })
  }
  await auth.sql.begin(async (tx) => {
    await audit(tx, user, 'user_recovery_requested', ctx.ip)
    await sendLinkMail(auth, tx, user, linkMails.magiclink, ctx.url.searchParams.get('redirect_to'))
  })
  sendJson(ctx.res, 200, {})
}

export async function magicLinkRoute(auth: AuthService, ctx: RequestContext): Promise<void> {
  rateLimit(auth.limiters.magicLink, ctx)
  return magicLink(auth, ctx, await ctx.body())
}

export async function otp(auth: AuthService, ctx: RequestContext): Promise<void> {
  rateLimit(auth.limiters.otp, ctx)
  const body = await ctx.body()
  const email = stringField(body, 'email')
  const phone = stringField(body, 'phone')
  if (email && phone) throw badRequest('validation_failed', 'Only an email address or phone number should be provided')
  if (email && stringField(body, 'channel')) throw badRequest('validation_failed', 'Channel should only be specified with Phone OTP')
  if (body.create_user === false && email && !await findUserByEmail(auth.sql, validateEmail(email))) {
    throw unprocessable('otp_disabled', 'Signups not allowed for otp')
  }
  if (email) return magicLink(auth, ctx, body)
  if (phone) throw badRequest('phone_provider_disabled', 'Unsupported phone provider')
  throw badRequest('validation_failed', 'One of email or phone must be set')
}

export async function resend(auth: AuthService, ctx: RequestContext): Promise<void> {
  rateLimit(auth.limiters.resend, ctx)
  const body = await ctx.body()
  const type = stringField(body, 'type')
  const given = stringField(body, 'email')
  const phone = stringField(body, 'phone')
  if (!['signup', 'email_change', 'sms', 'phone_change'].includes(type)) throw badRequest('validation_failed', 'Missing one of these types: signup, email_change, sms, phone_change')
  if (!given && type === 'signup') throw badRequest('validation_failed', 'Type provided requires an email address')
  if (!phone && type === 'sms') throw badRequest('validation_failed', 'Type provided requires a phone number')
  if (given && phone) throw badRequest('validation_failed', 'Only an email address or phone number should be provided.')
  if (phone) throw badRequest('phone_provider_disabled', 'Phone logins are disabled')
  if (!given) throw badRequest('validation_failed', 'Missing email address or phone number')
  requireEmailProvider(auth)
  const user = await findUserByEmail(auth.sql, validateEmail(given))
  // Nothing to resend gets the same answer as a mail sent: the caller learns nothing.
  if (!user || (type === 'signup' && user.email_confirmed_at) || (type === 'email_change' && !user.email_change) || type === 'phone_change') {
    return sendJson(ctx.res, 200, {})
  }
  await auth.sql.begin(async (tx) => {
    if (type === 'signup') {
      await audit(tx, user, 'user_confirmation_requested', ctx.ip)
      await sendLinkMail(auth, tx, user, linkMails.signup, ctx.url.searchParams.get('redirect_to'))
    }
    else {
      await sendEmailChange(auth, tx, user, user.email_change!, ctx.url.searchParams.get('redirect_to'))
    }
  })
  sendJson(ctx.res, 200, {})
}

/** GET /reauthenticate: a nonce by mail, which PUT /user takes as `nonce` for a password change. */
export async function reauthenticate(auth: AuthService, ctx: RequestContext): Promise<void> {
  const { user } = await requireUser(auth, ctx)
  if (!user.email) throw badRequest('validation_failed', 'Reauthentication requires the user to have an email or a phone number')
  if (!user.email_confirmed_at) throw unprocessable('email_not_confirmed', 'Please verify your email first.')
  await auth.sql.begin(async (tx) => {
    await audit(tx, user, 'user_reauthenticate_requested', ctx.ip)
    checkFrequency(auth, user.reauthentication_sent_at)
    const code = newOtp(auth.settings.otpLength)
    const hash = tokenHash(user.email!, code)
    await auth.mailer.send('reauthentication', user.email!, mailData(auth, user, { otp: code, hash }))
    await tx`update auth.users set reauthentication_token = ${hash}, reauthentication_sent_at = now() where id = ${user.id}`
    await storeOneTimeToken(tx, user.id, 'reauthentication_token', hash, user.email!)
  })
  sendJson(ctx.res, 200, {})
}

/** verifyReauthentication: the nonce must match the last one mailed and be within otp_expiry. */
export async function useNonce(auth: AuthService, tx: Db, user: UserRow, nonce: string): Promise<void> {
  const invalid = () => unprocessable('reauthentication_not_valid', 'Nonce has expired or is invalid')
  if (!user.reauthentication_token || !user.reauthentication_sent_at) throw invalid()
  if (!codeIsValid(auth, tokenHash(user.email ?? '', nonce), user.reauthentication_token, user.reauthentication_sent_at)) throw invalid()
  await tx`update auth.users set reauthentication_token = '' where id = ${user.id}`
  await clearAllOneTimeTokens(tx, user.id)
}

// --- verification ---------------------------------------------------------------------------

const expired = (auth: AuthService, sentAt: Date | null) => !sentAt || Date.now() > sentAt.getTime() + auth.settings.otpExpirySeconds * 1000
const codeIsValid = (auth: AuthService, actual: string, expected: string | null, sentAt: Date | null) =>
  Boolean(expected) && !expired(auth, sentAt) && actual === expected

const emailTypes = ['signup', 'invite', 'recovery', 'magiclink', 'email_change', 'email']
const tokenTypesOf: Record<string, OneTimeTokenType[]> = {
  email: ['confirmation_token', 'recovery_token'],
  signup: ['confirmation_token'],
  invite: ['confirmation_token'],
  recovery: ['recovery_token'],
  magiclink: ['recovery_token'],
  email_change: ['email_change_token_current', 'email_change_token_new'],
}

const linkExpired = () => forbidden('otp_expired', 'Email link is invalid or has expired')
const codeExpired = () => forbidden('otp_expired', 'Token has expired or is invalid')

interface Verification { type: string, hash: string, byLink: boolean, email?: string }

/** verifyTokenHash: the user of a link; `email` links resolve to signup or magiclink. */
async function userOfLink(auth: AuthService, tx: Db, check: Verification): Promise<UserRow> {
  const types = tokenTypesOf[check.type]
  if (!types) throw badRequest('validation_failed', 'Invalid email verification type')
  const user = await findUserByToken(tx, check.hash, types)
  if (!user) throw linkExpired()
  if (user.banned_until && user.banned_until.getTime() > Date.now()) throw forbidden('user_banned', 'User is banned')
  let sentAt = { signup: user.confirmation_sent_at, invite: user.confirmation_sent_at, recovery: user.recovery_sent_at, magiclink: user.recovery_sent_at, email_change: user.email_change_sent_at }[check.type] ?? null
  if (check.type === 'email') {
    const isRecovery = user.recovery_token === check.hash
    check.type = isRecovery ? 'magiclink' : 'signup'
    sentAt = isRecovery ? user.recovery_sent_at : user.confirmation_sent_at
  }
  if (expired(auth, sentAt)) throw linkExpired()
  return user
}

/** verifyUserAndToken: the user of an address + code. */
async function userOfCode(auth: AuthService, tx: Db, check: Verification & { email: string }): Promise<UserRow> {
  const user = check.type === 'email_change'
    ? await findUserByToken(tx, check.hash, auth.settings.secureEmailChange ? ['email_change_token_current', 'email_change_token_new'] : ['email_change_token_new'])
    : await findUserByEmail(tx, check.email)
  if (!user) throw codeExpired()
  if (user.banned_until && user.banned_until.getTime() > Date.now()) throw forbidden('user_banned', 'User is banned')
  const valid = {
    email: () => {
      if (codeIsValid(auth, check.hash, user.confirmation_token, user.confirmation_sent_at)) check.type = 'signup'
      else if (codeIsValid(auth, check.hash, user.recovery_token, user.recovery_sent_at)) check.type = 'magiclink'
      else return false
      return true
    },
    signup: () => codeIsValid(auth, check.hash, user.confirmation_token, user.confirmation_sent_at),
    invite: () => codeIsValid(auth, check.hash, user.confirmation_token, user.confirmation_sent_at),
    recovery: () => codeIsValid(auth, check.hash, user.recovery_token, user.recovery_sent_at),
    magiclink: () => codeIsValid(auth, check.hash, user.recovery_token, user.recovery_sent_at),
    email_change: () => codeIsValid(auth, check.hash, user.email_change_token_current, user.email_change_sent_at)
      || codeIsValid(auth, check.hash, user.email_change_token_new, user.email_change_sent_at),
  }[check.type]
  if (!valid?.()) throw codeExpired()
  return user
}

/** User.Confirm: confirmed now, email_verified in user_metadata and the identity, every token used up. */
async function confirmUser(tx: Db, user: UserRow): Promise<void> {
  await tx`
    update auth.users set confirmation_token = '', email_confirmed_at = now(),
      raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || '{"email_verified": true}'::jsonb
    where id = ${user.id}`
  await clearAllOneTimeTokens(tx, user.id)
}

async function markIdentityVerified(tx: Db, userId: string, email: string): Promise<void> {
  await tx`
    update auth.identities set identity_data = identity_data || ${tx.json({ email, email_verified: true })}, updated_at = now()
    where user_id = ${userId} and provider = 'email'`
}

/** What the token does to its user (signupVerify, recoverVerify, emailChangeVerify); null: half of a secure e-mail change. */
async function applyVerification(auth: AuthService, tx: Db, user: UserRow, check: Verification, ip: string): Promise<UserRow | null> {
  if (check.type === 'signup' || check.type === 'invite') {
    // An invitee without a password gets a random one, as GoTrue's signupVerify does.
    if (!user.encrypted_password && user.invited_at) await tx`update auth.users set encrypted_password = ${await hashPassword(randomPassword())} where id = ${user.id}`
    await audit(tx, user, 'user_signedup', ip, { provider: 'email' })
    await confirmUser(tx, user)
    await markIdentityVerified(tx, user.id, user.email ?? '')
  }
  else if (check.type === 'recovery' || check.type === 'magiclink') {
    await tx`update auth.users set recovery_token = '' where id = ${user.id}`
    await clearAllOneTimeTokens(tx, user.id)
    if (user.email_confirmed_at) {
      await audit(tx, user, 'login', ip)
    }
    else {
      await audit(tx, user, 'user_signedup', ip, { provider: 'email' })
      await confirmUser(tx, user)
    }
  }
  else {
    if (!auth.settings.mailerAutoconfirm && auth.settings.secureEmailChange && user.email_change_confirm_status === 0 && user.email) {
      const column = check.hash === user.email_change_token_current ? 'email_change_token_current' : 'email_change_token_new'
      await tx`update auth.users set email_change_confirm_status = 1, ${tx(column)} = '' where id = ${user.id}`
      await tx`delete from auth.one_time_tokens where user_id = ${user.id} and token_type = ${column}`
      return null
    }
    await audit(tx, user, 'user_modified', ip)
    const email = user.email_change ?? ''
    await tx`
      update auth.users set email = ${email}, email_change = '', email_change_token_current = '', email_change_token_new = '',
        email_change_confirm_status = 0
      where id = ${user.id}`
    await clearAllOneTimeTokens(tx, user.id)
    if (!user.email_confirmed_at) await confirmUser(tx, user)
    await markIdentityVerified(tx, user.id, email)
  }
  return reloadUser(tx, user.id)
}

const singleConfirmation = 'Confirmation link accepted. Please proceed to confirm link sent to the other email'

/** One transaction: find the user, apply the token, sign in (amr `otp`, as GoTrue's issueRefreshToken(…, models.OTP)). */
async function runVerification(auth: AuthService, ctx: RequestContext, check: Verification): Promise<SessionResponse | null> {
  return auth.sql.begin(async (tx) => {
    const user = check.byLink ? await userOfLink(auth, tx, check) : await userOfCode(auth, tx, check as Verification & { email: string })
    const verified = await applyVerification(auth, tx, user, check, ctx.ip)
    if (!verified) return null
    await audit(tx, verified, 'login', ctx.ip, { provider: 'email' })
    return startSession(auth, tx, verified, 'otp', sessionMeta(ctx))
  })
}

export async function verify(auth: AuthService, ctx: RequestContext): Promise<void> {
  rateLimit(auth.limiters.verify, ctx)
  if (ctx.req.method === 'GET') return verifyLink(auth, ctx)
  const body = await ctx.body()
  const type = stringField(body, 'type')
  const token = stringField(body, 'token')
  const hash = stringField(body, 'token_hash')
  const email = stringField(body, 'email')
  const phone = stringField(body, 'phone')
  if (!type) throw badRequest('validation_failed', 'Verify requires a verification type')
  if ((!token && !hash) || (token && hash)) throw badRequest('validation_failed', 'Verify requires either a token or a token hash')
  let check: Verification
  if (token) {
    if (phone && !email) throw codeExpired() // no phone users here: GoTrue finds none either
    if (!email || phone) throw badRequest('validation_failed', 'Only an email address or phone number should be provided on verify')
    let address: string
    try {
      address = validateEmail(email)
    }
    catch {
      throw unprocessable('validation_failed', 'Invalid email format')
    }
    check = { type, hash: tokenHash(address, token), byLink: false, email: address }
    if (!emailTypes.includes(type)) throw codeExpired()
  }
  else {
    if (email || phone || stringField(body, 'redirect_to')) throw badRequest('validation_failed', 'Only the token_hash and type should be provided')
    check = { type, hash, byLink: true }
  }
  const session = await runVerification(auth, ctx, check)
  sendJson(ctx.res, 200, session ?? { msg: singleConfirmation, code: '200' })
}

/** GET /verify: 303 to the redirect with the session (or the error, or a message) in the URL fragment. */
async function verifyLink(auth: AuthService, ctx: RequestContext): Promise<void> {
  const query = ctx.url.searchParams
  const type = query.get('type') ?? ''
  const token = query.get('token') ?? ''
  const redirectTo = redirectFor(auth, query.get('redirect_to'))
  if (!type) throw badRequest('validation_failed', 'Verify requires a verification type')
  if (!token) throw badRequest('validation_failed', 'Verify requires a token or a token hash')
  const fragment = new URLSearchParams()
  try {
    if (!['signup', 'invite', 'recovery', 'magiclink', 'email_change'].includes(type)) throw badRequest('validation_failed', 'Unsupported verification type')
    const session = await runVerification(auth, ctx, { type, hash: token, byLink: true })
    if (session) {
      fragment.set('access_token', session.access_token)
      fragment.set('expires_at', String(session.expires_at))
      fragment.set('expires_in', String(session.expires_in))
      fragment.set('refresh_token', session.refresh_token)
      fragment.set('token_type', session.token_type)
      fragment.set('type', type)
    }
    else {
      fragment.set('message', singleConfirmation)
      fragment.set('sb', '')
    }
  }
  catch (error) {
    if (!(error instanceof AuthError) || error.status >= 500) throw error
    fragment.set('error', error.status === 403 ? 'access_denied' : error.status === 400 ? 'invalid_request' : 'server_error')
    fragment.set('error_code', error.code)
    fragment.set('error_description', error.message)
    fragment.set('sb', '')
  }
  ctx.res.writeHead(303, { 'Location': `${redirectTo}#${fragment.toString()}`, 'Content-Length': '0' }).end()
}

// --- admin generate_link --------------------------------------------------------------------

export async function generateLink(auth: AuthService, ctx: RequestContext): Promise<void> {
  await requireAdmin(auth, ctx)
  const body = await ctx.body()
  let type = stringField(body, 'type')
  const email = validateEmail(stringField(body, 'email'))
  const bodyRedirect = stringField(body, 'redirect_to')
  const redirectTo = isRedirectAllowed(bodyRedirect, auth.settings.siteUrl, auth.settings.additionalRedirectUrls) ? bodyRedirect : redirectFor(auth, ctx.url.searchParams.get('redirect_to'))
  const data = objectField(body, 'data') ?? {}
  const existing = await findUserByEmail(auth.sql, email)
  if (!existing) {
    if (type === 'magiclink') type = 'signup'
    else if (['recovery', 'email_change_current', 'email_change_new'].includes(type)) throw notFound('user_not_found', 'User with this email not found')
  }
  const password = type === 'signup' ? (typeof body.password === 'string' && body.password ? body.password : randomPassword()) : ''
  const otp = newOtp(auth.settings.otpLength)
  const hashedToken = tokenHash(email, otp)
  const result = await auth.sql.begin(async (tx) => {
    let user = existing
    let linkHash = hashedToken
    let linkType = type
    if (type === 'magiclink' || type === 'recovery') {
      await audit(tx, user!, 'user_recovery_requested', ctx.ip)
      await tx`update auth.users set recovery_token = ${hashedToken}, recovery_sent_at = now() where id = ${user!.id}`
      await storeOneTimeToken(tx, user!.id, 'recovery_token', hashedToken, email)
    }
    else if (type === 'invite' || type === 'signup') {
      if (user?.email_confirmed_at) throw unprocessable('email_exists', 'A user with this email address has already been registered')
      if (!user) {
        user = type === 'invite'
          ? await insertUser(tx, { email, encryptedPassword: '', emailConfirmed: false, userMetadata: data, appMetadata: {}, role: 'authenticated' })
          : await newEmailUser(auth, tx, { email, password, data })
      }
      else if (type === 'signup') {
        await tx`update auth.users set raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || ${tx.json(data as never)} where id = ${user.id}`
      }
      if (type === 'invite') await audit(tx, user, 'user_invited', ctx.ip, { user_id: user.id, user_email: user.email })
      await tx`update auth.users set confirmation_token = ${hashedToken}, confirmation_sent_at = now(),
        invited_at = case when ${type === 'invite'} then now() else invited_at end where id = ${user.id}`
      await storeOneTimeToken(tx, user.id, 'confirmation_token', hashedToken, email)
    }
    else if (type === 'email_change_current' || type === 'email_change_new') {
      if (!auth.settings.secureEmailChange && type === 'email_change_current') throw badRequest('validation_failed', 'Enable secure email change to generate link for current email')
      const newEmail = validateEmail(stringField(body, 'new_email'))
      const other = await findUserByEmail(tx, newEmail)
      if (other && other.id !== user!.id) throw unprocessable('email_exists', 'A user with this email address has already been registered')
      if (type === 'email_change_new') linkHash = tokenHash(newEmail, otp)
      await tx`
        update auth.users set email_change = ${newEmail}, email_change_sent_at = now(), email_change_confirm_status = 0,
          email_change_token_current = case when ${type === 'email_change_current'} then ${linkHash} else email_change_token_current end,
          email_change_token_new = case when ${type === 'email_change_new'} then ${linkHash} else email_change_token_new end
        where id = ${user!.id}`
      const fresh = await reloadUser(tx, user!.id)
      if (fresh.email_change_token_current) await storeOneTimeToken(tx, user!.id, 'email_change_token_current', fresh.email_change_token_current, email)
      if (fresh.email_change_token_new) await storeOneTimeToken(tx, user!.id, 'email_change_token_new', fresh.email_change_token_new, newEmail)
      linkType = 'email_change'
    }
    else {
      throw badRequest('validation_failed', `Invalid email action link type requested: ${type}`)
    }
    const fresh = await reloadUser(tx, user!.id)
    return { linkHash, linkType, user: userJson(fresh, await identitiesOf(tx, fresh.id), await factorsOf(tx, fresh.id)) }
  })
  sendJson(ctx.res, 200, {
    ...result.user,
    action_link: verifyUrl(auth, result.linkHash, result.linkType, redirectTo),
    email_otp: otp,
    hashed_token: hashedToken,
    verification_type: type,
    redirect_to: redirectTo,
  })
}
