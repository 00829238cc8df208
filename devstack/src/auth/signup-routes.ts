// Sign-up as GoTrue v2.189's Signup (internal/api/signup.go): refused while `[auth] enable_signup`
// is off; otherwise the password rules, the e-mail provider and address checks, then either a
// confirmed user with a session (autoconfirm) or a confirmation mail. An address that already has a
// confirmed account gets 422 user_already_exists with autoconfirm, and otherwise a made-up user
// (new id, no identities) so the answer never tells whether the address is registered.
import { randomUUID } from 'node:crypto'
import { sendJson } from '../shared/http.ts'
import { type AuthService, objectField, type RequestContext, stringField } from './context.ts'
import { validateEmail } from './email.ts'
import { badRequest, notImplemented, unprocessable } from './errors.ts'
import { linkMails, sendLinkMail } from './link-mail.ts'
import { assertStrongPassword, hashPassword } from './password.ts'
import { userJson } from './serialize.ts'
import { rateLimit, sessionMeta, userResponse } from './session-routes.ts'
import { audit, clearAllOneTimeTokens, type Db, findUserByEmail, insertUser, type UserRow } from './store.ts'
import { type SessionResponse, startSession } from './tokens.ts'

export interface SignupParams { email: string, password: string, data: Record<string, unknown> }

export type SignupOutcome
  = | { kind: 'session', session: SessionResponse }
    | { kind: 'user', user: UserRow }
    | { kind: 'obfuscated', body: ReturnType<typeof userJson> }

/** A new e-mail user with this password, not yet confirmed (signupNewUser + createNewIdentity). */
export async function newEmailUser(auth: AuthService, tx: Db, params: SignupParams): Promise<UserRow> {
  assertStrongPassword(params.password, auth.settings)
  return insertUser(tx, { email: params.email, encryptedPassword: await hashPassword(params.password), emailConfirmed: false, userMetadata: params.data, appMetadata: {}, role: 'authenticated' })
}

/** sanitizeUser: what a repeated sign-up sees instead of the real account. */
function obfuscatedUser(params: SignupParams): ReturnType<typeof userJson> {
  const now = new Date()
  const made = {
    id: randomUUID(), aud: 'authenticated', role: '', email: params.email, encrypted_password: null,
    email_confirmed_at: null, invited_at: null, confirmation_token: null, confirmation_sent_at: now,
    recovery_token: null, recovery_sent_at: null, email_change: '', email_change_token_new: null,
    email_change_token_current: null, email_change_confirm_status: 0, email_change_sent_at: null,
    reauthentication_token: null, last_sign_in_at: null, raw_app_meta_data: { provider: 'email', providers: ['email'] },
    raw_user_meta_data: params.data, created_at: now, updated_at: now, phone: '', phone_confirmed_at: null,
    phone_change: null, phone_change_sent_at: null, confirmed_at: null, reauthentication_sent_at: null,
    banned_until: null, deleted_at: null, is_anonymous: false,
  } satisfies UserRow
  return userJson(made, [], [])
}

/** Signup after its parameters were read: also what /otp and /magiclink run for a new address. */
export async function signUpUser(auth: AuthService, ctx: RequestContext, params: SignupParams): Promise<SignupOutcome> {
  if (!auth.settings.enableSignup) throw unprocessable('signup_disabled', 'Signups not allowed for this instance')
  if (!params.password) throw badRequest('validation_failed', 'Signup requires a valid password')
  assertStrongPassword(params.password, auth.settings)
  if (!auth.settings.emailProviderEnabled) throw badRequest('email_provider_disabled', 'Email signups are disabled')
  const email = validateEmail(params.email)
  const existing = await findUserByEmail(auth.sql, email)
  if (existing?.email_confirmed_at) {
    await audit(auth.sql, existing, 'user_repeated_signup', ctx.ip, { provider: 'email' })
    if (auth.settings.mailerAutoconfirm) throw unprocessable('user_already_exists', 'User already registered')
    return { kind: 'obfuscated', body: obfuscatedUser({ ...params, email }) }
  }
  return auth.sql.begin(async (tx): Promise<SignupOutcome> => {
    // An unconfirmed account is not changed: nobody has shown they own the address.
    const user = existing ?? await newEmailUser(auth, tx, { ...params, email })
    if (auth.settings.mailerAutoconfirm) {
      await audit(tx, user, 'user_signedup', ctx.ip, { provider: 'email' })
      await tx`
        update auth.users set confirmation_token = '', email_confirmed_at = now(),
          raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || '{"email_verified": true}'::jsonb
        where id = ${user.id}`
      await clearAllOneTimeTokens(tx, user.id)
      await audit(tx, user, 'login', ctx.ip, { provider: 'email' })
      const confirmed = (await tx<UserRow[]>`select * from auth.users where id = ${user.id}`)[0]!
      return { kind: 'session', session: await startSession(auth, tx, confirmed, 'password', sessionMeta(ctx)) }
    }
    await audit(tx, user, 'user_confirmation_requested', ctx.ip, { provider: 'email' })
    await sendLinkMail(auth, tx, user, linkMails.signup, ctx.url.searchParams.get('redirect_to'))
    return { kind: 'user', user: (await tx<UserRow[]>`select * from auth.users where id = ${user.id}`)[0]! }
  })
}

export async function signup(auth: AuthService, ctx: RequestContext): Promise<void> {
  const body = await ctx.body()
  const email = stringField(body, 'email')
  const phone = stringField(body, 'phone')
  if (!email && !phone) {
    if (!auth.settings.enableAnonymousSignIns) throw unprocessable('anonymous_provider_disabled', 'Anonymous sign-ins are disabled')
    throw notImplemented('Anonymous sign-in')
  }
  rateLimit(auth.limiters.signups, ctx)
  if (!auth.settings.enableSignup) throw unprocessable('signup_disabled', 'Signups not allowed for this instance')
  const password = stringField(body, 'password')
  if (!password) throw badRequest('validation_failed', 'Signup requires a valid password')
  assertStrongPassword(password, auth.settings)
  if (email && phone) throw badRequest('validation_failed', 'Only an email address or phone number should be provided on signup.')
  if (stringField(body, 'code_challenge')) throw notImplemented('The PKCE flow (code_challenge)')
  if (!email) throw badRequest('phone_provider_disabled', 'Phone signups are disabled')
  const outcome = await signUpUser(auth, ctx, { email, password, data: objectField(body, 'data') ?? {} })
  if (outcome.kind === 'session') return sendJson(ctx.res, 200, outcome.session)
  if (outcome.kind === 'obfuscated') return sendJson(ctx.res, 200, outcome.body)
  const answer = await userResponse(auth, outcome.user)
  // An invited address signing up sees neither its metadata nor its identities.
  sendJson(ctx.res, 200, outcome.user.invited_at ? { ...answer, user_metadata: {}, identities: [] } : answer)
}
