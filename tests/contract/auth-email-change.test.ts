// The profile's account changes as GoTrue runs them: a new address through PUT /user, confirmed by
// mail (to both addresses with `double_confirm_changes`), generate_link's email_change_* links,
// the reauthentication nonce a password change needs with `secure_password_change`, /resend, and
// codes by e-mail through /otp. Mails are read from the devstack's inbox; what needs no mail runs
// against a real Supabase too.
import { afterAll, describe, expect, it } from 'vitest'
import { authClient, authFetch, createTestUser, latestMail, mailsTo, signedInClient, strongPassword, testIp } from '../helpers/auth.ts'
import { useAuthVariant } from '../helpers/auth-variant.ts'
import { testEnv } from '../helpers/env.ts'
import { closeDb, db, serviceClient, uniqueEmail } from '../helpers/personas.ts'
import { enrolTotp } from '../helpers/portal.ts'

afterAll(closeDb)

const codeOf = (html: string) => /\b(\d{6})\b/.exec(html)![1]!
const hashOf = (html: string) => /token=([0-9a-f]{56})/.exec(html)![1]!

describe('a new address through PUT /user', () => {
  it('keeps the old address until the change is confirmed, and refuses one already taken', async () => {
    const user = await createTestUser('change-pending')
    const client = await signedInClient(user)
    const next = uniqueEmail('change-next')
    const { data, error } = await client.auth.updateUser({ email: next })
    expect(error).toBeNull()
    expect(data.user).toMatchObject({ email: user.email, new_email: next })
    const other = await createTestUser('change-taken')
    expect((await client.auth.updateUser({ email: other.email })).error).toMatchObject({ status: 422, code: 'email_exists' })
  })

  it('needs an aal2 session once the user has a second factor', async () => {
    const user = await createTestUser('change-aal')
    const enrolled = await signedInClient(user)
    await enrolTotp(enrolled)
    const aal1 = await signedInClient(user)
    const expected = { status: 401, code: 'insufficient_aal', message: 'AAL2 session is required to update email or password when MFA is enabled.' }
    expect((await aal1.auth.updateUser({ email: uniqueEmail('change-aal-next') })).error).toMatchObject(expected)
    expect((await aal1.auth.updateUser({ password: strongPassword() })).error).toMatchObject(expected)
    expect((await aal1.auth.updateUser({ data: { locale: 'en' } })).error).toBeNull()
  })

  it('is confirmed with the code generate_link makes for the new address', async () => {
    const user = await createTestUser('change-link')
    const next = uniqueEmail('change-link-next')
    const { data, error } = await serviceClient().auth.admin.generateLink({ type: 'email_change_new', email: user.email, newEmail: next })
    expect(error).toBeNull()
    expect(data.properties).toMatchObject({ verification_type: 'email_change_new', action_link: expect.stringContaining('type=email_change') })
    const verified = await authClient().auth.verifyOtp({ email: next, token: data.properties!.email_otp, type: 'email_change' })
    expect(verified.error).toBeNull()
    expect(verified.data.user?.email).toBe(next)
    const [row] = await db()`select email, email_change from auth.users where id = ${user.id}`
    expect(row).toEqual({ email: next, email_change: '' })
  })

  it.runIf(testEnv.isDevstack)('mails both addresses; with autoconfirm either link completes the change', async () => {
    const user = await createTestUser('change-mail')
    const client = await signedInClient(user)
    const next = uniqueEmail('change-mail-next')
    await client.auth.updateUser({ email: next }, { emailRedirectTo: 'http://127.0.0.1:3000/konto' })
    const toNew = await latestMail(next)
    const toCurrent = await latestMail(user.email)
    expect(toNew.subject).toBe('Confirm Email Change')
    expect(toCurrent.subject).toBe('Confirm Email Change')
    const { data, error } = await authClient().auth.verifyOtp({ token_hash: hashOf(toNew.html), type: 'email_change' })
    expect(error).toBeNull()
    expect(data.user?.email).toBe(next)
  })
})

describe.runIf(testEnv.isDevstack)('a secure change with confirmations on', () => {
  const variant = useAuthVariant({ auth: { email: { enable_confirmations: true } } })

  it('needs the links to both addresses: the first answers with a message, the second changes it', async () => {
    const user = await createTestUser('secure-change')
    const client = variant().client(testIp())
    await client.auth.signInWithPassword({ email: user.email, password: user.password })
    const next = uniqueEmail('secure-change-next')
    expect((await client.auth.updateUser({ email: next })).error).toBeNull()
    const first = await fetch(`${variant().url}/auth/v1/verify`, {
      method: 'POST',
      headers: { 'apikey': testEnv.anonKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'email_change', token_hash: hashOf((await latestMail(user.email)).html) }),
    })
    expect(await first.json()).toEqual({ msg: 'Confirmation link accepted. Please proceed to confirm link sent to the other email', code: '200' })
    const [pending] = await db()`select email from auth.users where id = ${user.id}`
    expect(pending!.email).toBe(user.email)
    const second = await variant().client().auth.verifyOtp({ email: next, token: codeOf((await latestMail(next)).html), type: 'email_change' })
    expect(second.error).toBeNull()
    expect(second.data.user?.email).toBe(next)
  })
})

describe.runIf(testEnv.isDevstack)('a password change with secure_password_change', () => {
  const variant = useAuthVariant({ auth: { email: { secure_password_change: true } } })

  it('needs the nonce of /reauthenticate once the session is older than a day', async () => {
    const user = await createTestUser('reauth')
    const client = variant().client(testIp())
    const { data } = await client.auth.signInWithPassword({ email: user.email, password: user.password })
    await db()`update auth.sessions set created_at = now() - interval '25 hours' where user_id = ${user.id}`
    const password = strongPassword()
    expect((await client.auth.updateUser({ password })).error).toMatchObject({ status: 400, code: 'reauthentication_needed', message: 'Password update requires reauthentication' })
    expect((await client.auth.reauthenticate()).error).toBeNull()
    const mail = await latestMail(user.email)
    expect(mail.subject).toBe('Confirm reauthentication')
    expect((await client.auth.updateUser({ password, nonce: '000000' })).error).toMatchObject({ status: 422, code: 'reauthentication_not_valid', message: 'Nonce has expired or is invalid' })
    expect((await client.auth.updateUser({ password, nonce: codeOf(mail.html) })).error).toBeNull()
    expect(data.session).toBeTruthy()
    expect((await variant().client().auth.signInWithPassword({ email: user.email, password })).error).toBeNull()
  })
})

describe('resend and codes by e-mail', () => {
  it('resends an e-mail change only after max_frequency', async () => {
    const user = await createTestUser('resend-change')
    const client = await signedInClient(user)
    await client.auth.updateUser({ email: uniqueEmail('resend-change-next') })
    const { error } = await authClient().auth.resend({ type: 'email_change', email: user.email })
    expect(error).toMatchObject({ status: 429, code: 'over_email_send_rate_limit' })
  })

  it('answers {} where nothing is to be resent, and refuses an unknown type', async () => {
    const user = await createTestUser('resend-nothing')
    expect((await authClient().auth.resend({ type: 'signup', email: user.email })).error).toBeNull()
    const unknown = await authFetch('/resend', { method: 'POST', body: { type: 'recovery', email: user.email } })
    expect(unknown.status).toBe(400)
    expect(await unknown.json()).toMatchObject({ code: 'validation_failed', message: 'Missing one of these types: signup, email_change, sms, phone_change' })
  })

  it.runIf(testEnv.isDevstack)('mails a sign-in code to a known address; the code signs in once (type email)', async () => {
    const user = await createTestUser('otp-known')
    expect((await authClient().auth.signInWithOtp({ email: user.email })).error).toBeNull()
    const mail = await latestMail(user.email)
    expect(mail.subject).toBe('Your Magic Link')
    const first = await authClient().auth.verifyOtp({ email: user.email, token: codeOf(mail.html), type: 'email' })
    expect(first.error).toBeNull()
    expect(first.data.session?.user.id).toBe(user.id)
    const again = await authClient().auth.verifyOtp({ email: user.email, token: codeOf(mail.html), type: 'email' })
    expect(again.error).toMatchObject({ status: 403, code: 'otp_expired' })
    expect((await mailsTo(user.email)).length).toBe(1)
  })
})
