// Sign-up as GoTrue answers it: refused while `[auth] enable_signup` is off (the portal's setting),
// and — on an Auth with sign-ups on (devstack: an in-process variant of config.toml; a real
// Supabase: SUPABASE_SIGNUP_URL, a project with sign-ups on and confirmations off) — with and without e-mail confirmation, the password rules,
// duplicate addresses and the per-address limit.
import { randomInt } from 'node:crypto'
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authClient, latestMail, strongPassword } from '../helpers/auth.ts'
import { type AuthVariant, startAuthVariant } from '../helpers/auth-variant.ts'
import { testEnv } from '../helpers/env.ts'
import { closeDb, db, uniqueEmail } from '../helpers/personas.ts'

afterAll(closeDb)

describe('with sign-ups off (the portal)', () => {
  it('refuses sign-up before looking at the request', async () => {
    const { error } = await authClient().auth.signUp({ email: 'xx:;x@x.x', password: 'kurz' })
    expect(error).toMatchObject({ status: 422, code: 'signup_disabled', message: 'Signups not allowed for this instance' })
  })

  it('refuses a code sign-in for an unknown address, which would create the account', async () => {
    const created = await authClient().auth.signInWithOtp({ email: uniqueEmail('otp-unknown') })
    expect(created.error).toMatchObject({ status: 422, code: 'signup_disabled' })
    const notCreated = await authClient().auth.signInWithOtp({ email: uniqueEmail('otp-unknown'), options: { shouldCreateUser: false } })
    expect(notCreated.error).toMatchObject({ status: 422, code: 'otp_disabled', message: 'Signups not allowed for otp' })
  })
})

const signupUrl = testEnv.signupUrl
const variantRuns = testEnv.isDevstack || Boolean(signupUrl)

/** An Auth with sign-ups on: a devstack variant, or the real project SUPABASE_SIGNUP_URL names. */
async function signupAuth(override: Record<string, unknown>): Promise<{ client: (ip?: string) => SupabaseClient, stop: () => Promise<void> }> {
  if (signupUrl) {
    return { client: ip => createClient(signupUrl, testEnv.anonKey, { auth: { persistSession: false }, global: ip ? { headers: { 'X-Forwarded-For': ip } } : {} }), stop: async () => {} }
  }
  const variant: AuthVariant = await startAuthVariant({ auth: { enable_signup: true, ...override } })
  return variant
}

describe.runIf(variantRuns)('with sign-ups on and no confirmation (autoconfirm)', () => {
  let auth: Awaited<ReturnType<typeof signupAuth>>
  beforeAll(async () => {
    auth = await signupAuth({})
  })
  afterAll(() => auth.stop())

  it('signs the new user in at once, amr password, address confirmed', async () => {
    const email = uniqueEmail('signup-auto')
    const { data, error } = await auth.client().auth.signUp({ email, password: strongPassword(), options: { data: { display_name: 'Neu' } } })
    expect(error).toBeNull()
    expect(data.session?.user.email).toBe(email)
    expect(data.user?.email_confirmed_at).toBeTruthy()
    expect(data.user?.user_metadata).toMatchObject({ display_name: 'Neu', email_verified: true })
    expect(decodeJwt(data.session!.access_token).amr).toEqual([{ method: 'password', timestamp: expect.any(Number) }])
  })

  it('answers 422 user_already_exists for a registered address', async () => {
    const email = uniqueEmail('signup-twice')
    await auth.client().auth.signUp({ email, password: strongPassword() })
    const { error } = await auth.client().auth.signUp({ email, password: strongPassword() })
    expect(error).toMatchObject({ status: 422, code: 'user_already_exists', message: 'User already registered' })
  })

  it('applies the password rules and the address format', async () => {
    const weak = await auth.client().auth.signUp({ email: uniqueEmail('signup-weak'), password: 'kurz' })
    expect(weak.error).toMatchObject({ status: 422, code: 'weak_password' })
    const missing = await auth.client().auth.signUp({ email: uniqueEmail('signup-empty'), password: '' })
    expect(missing.error).toMatchObject({ status: 400, code: 'validation_failed', message: 'Signup requires a valid password' })
    const address = await auth.client().auth.signUp({ email: 'xx:;x@x.x', password: strongPassword() })
    expect(address.error).toMatchObject({ status: 400, code: 'validation_failed', message: 'Unable to validate email address: invalid format' })
  })

  it('limits one address to sign_in_sign_ups per 5 minutes (burst 30)', async () => {
    const ip = `192.0.2.${randomInt(1, 255)}`
    const statuses: number[] = []
    for (let attempt = 0; attempt < 32 && !statuses.includes(429); attempt++) {
      const { error } = await auth.client(ip).auth.signUp({ email: 'xx:;x@x.x', password: strongPassword() })
      statuses.push(error?.status ?? 200)
    }
    expect(statuses[0]).toBe(400)
    expect(statuses).toContain(429)
  })
})

describe.runIf(testEnv.isDevstack && !signupUrl)('with sign-ups on and e-mail confirmation', () => {
  let auth: Awaited<ReturnType<typeof signupAuth>>
  beforeAll(async () => {
    auth = await signupAuth({ email: { enable_confirmations: true } })
  })
  afterAll(() => auth.stop())

  it('mails a code and no session; the code confirms and signs in', async () => {
    const email = uniqueEmail('signup-confirm')
    const { data, error } = await auth.client().auth.signUp({ email, password: strongPassword() })
    expect(error).toBeNull()
    expect(data.session).toBeNull()
    expect(data.user?.email_confirmed_at).toBeFalsy()
    const mail = await latestMail(email)
    expect(mail.subject).toBe('Confirm Your Email')
    const code = /\b(\d{6})\b/.exec(mail.html)![1]!
    const verified = await auth.client().auth.verifyOtp({ email, token: code, type: 'signup' })
    expect(verified.error).toBeNull()
    expect(verified.data.user?.email_confirmed_at).toBeTruthy()
  })

  it('answers a repeated sign-up with a made-up user, telling nothing', async () => {
    const email = uniqueEmail('signup-hidden')
    const first = await auth.client().auth.signUp({ email, password: strongPassword() })
    await db()`update auth.users set email_confirmed_at = now() where id = ${first.data.user!.id}`
    const again = await auth.client().auth.signUp({ email, password: strongPassword() })
    expect(again.error).toBeNull()
    expect(again.data.user?.id).not.toBe(first.data.user!.id)
    expect(again.data.user?.identities).toEqual([])
    expect(again.data.session).toBeNull()
  })

  it('resends the confirmation only after max_frequency', async () => {
    const email = uniqueEmail('signup-resend')
    await auth.client().auth.signUp({ email, password: strongPassword() })
    const { error } = await auth.client().auth.resend({ type: 'signup', email })
    expect(error).toMatchObject({ status: 429, code: 'over_email_send_rate_limit' })
    expect(error?.message).toMatch(/^For security purposes, you can only request this after \d+ seconds\.$/)
  })
})
