// Invitations and password recovery: mails from config.toml's templates read through the inbox
// JSON API (devstack). The templates link to the app with the token hash, which the app verifies by
// POST (verifyOtp); GoTrue's own verify link (generate_link's action_link) works by GET (redirect
// with the tokens in the fragment).
import { createHash } from 'node:crypto'
import { decodeJwt } from 'jose'
import { Secret, TOTP } from 'otpauth'
import { afterAll, describe, expect, it } from 'vitest'
import { authClient, authFetch, createTestUser, followVerifyLink, type InboxMessage, latestMail, mailsTo, signedInClient, strongPassword } from '../helpers/auth.ts'
import { testEnv } from '../helpers/env.ts'
import { closeDb, db, serviceClient, uniqueEmail } from '../helpers/personas.ts'

afterAll(closeDb)

const portalRedirect = 'http://127.0.0.1:3000/willkommen'

/** Follows a verify link without following the redirect; returns the fragment's parameters. */
async function followLink(link: string) {
  const { status, target, params } = await followVerifyLink(link)
  expect(status).toBe(303)
  return { target, params }
}

/** The app's set-password link of a template mail: site_url, the token hash and the link type. */
function setPasswordLink(mail: InboxMessage, type: 'invite' | 'recovery') {
  const link = new URL(mail.links.find(candidate => candidate.includes('/passwort-setzen'))!)
  expect(`${link.origin}${link.pathname}`).toBe(`${testEnv.siteUrl}/passwort-setzen`)
  expect(link.searchParams.get('type')).toBe(type)
  expect(mail.links.some(candidate => candidate.includes('/auth/v1/verify'))).toBe(false)
  return { tokenHash: link.searchParams.get('token_hash')!, type }
}

describe('invitations', () => {
  it('creates the invited user and answers with it', async () => {
    const email = uniqueEmail('invite')
    const { data, error } = await serviceClient().auth.admin.inviteUserByEmail(email, { data: { display_name: 'Neu' }, redirectTo: portalRedirect })
    expect(error).toBeNull()
    expect(data.user).toMatchObject({ email, user_metadata: { display_name: 'Neu' } })
    expect(data.user!.invited_at).toBeTruthy()
    expect(data.user!.email_confirmed_at).toBeFalsy()
    const [row] = await db()`select encrypted_password, confirmation_token from auth.users where id = ${data.user!.id}`
    expect(row!.encrypted_password).toBe('')
    expect(row!.confirmation_token).toMatch(/^[0-9a-f]{56}$/)
  })

  it('refuses to invite an address that already has an account', async () => {
    const user = await createTestUser('invite-existing')
    const { error } = await serviceClient().auth.admin.inviteUserByEmail(user.email)
    expect(error).toMatchObject({ status: 422, code: 'email_exists' })
  })

  it.skipIf(!testEnv.isDevstack)('mails the app\'s link with the token hash; verifying it once signs the invitee in, who then sets a password', async () => {
    const email = uniqueEmail('invite-mail')
    const { data: invited } = await serviceClient().auth.admin.inviteUserByEmail(email, { redirectTo: portalRedirect })
    const mail = await latestMail(email)
    expect(mail.subject).toBe('Einladung in das Mandantenportal')
    expect(mail.from).toContain('portal@kanzlei.example')
    const link = setPasswordLink(mail, 'invite')
    const [stored] = await db()`select confirmation_token from auth.users where id = ${invited.user!.id}`
    expect(link.tokenHash).toBe(stored!.confirmation_token)

    const client = authClient()
    const { data, error } = await client.auth.verifyOtp({ token_hash: link.tokenHash, type: link.type })
    expect(error).toBeNull()
    expect(data.session!.user.email).toBe(email)
    expect(decodeJwt(data.session!.access_token).amr).toEqual([{ method: 'otp', timestamp: expect.any(Number) }])
    const password = strongPassword()
    expect((await client.auth.updateUser({ password })).error).toBeNull()
    expect((await authClient().auth.signInWithPassword({ email, password })).error).toBeNull()

    const again = await authClient().auth.verifyOtp({ token_hash: link.tokenHash, type: link.type })
    expect(again.error).toMatchObject({ status: 403, code: 'otp_expired' })
  })

  it('signs the invitee in through GoTrue\'s own verify link (GET, tokens in the fragment), once', async () => {
    const email = uniqueEmail('invite-action-link')
    const { data, error } = await serviceClient().auth.admin.generateLink({ type: 'invite', email, options: { redirectTo: portalRedirect } })
    expect(error).toBeNull()
    const link = new URL(data.properties!.action_link)
    expect(link.searchParams.get('token')).toBe(data.properties!.hashed_token)
    expect(link.searchParams.get('type')).toBe('invite')
    expect(link.searchParams.get('redirect_to')).toBe(portalRedirect)

    const { target, params } = await followLink(link.href)
    expect(target).toBe(portalRedirect)
    expect(params.get('type')).toBe('invite')
    expect(params.get('token_type')).toBe('bearer')
    expect(decodeJwt(params.get('access_token')!).amr).toEqual([{ method: 'otp', timestamp: expect.any(Number) }])

    const again = await followLink(link.href)
    expect(again.params.get('error_code')).toBe('otp_expired')
  })

  it.skipIf(!testEnv.isDevstack)('sends verify links only to allowed redirect targets and otherwise to site_url', async () => {
    const email = uniqueEmail('invite-evil')
    const { data } = await serviceClient().auth.admin.generateLink({ type: 'invite', email, options: { redirectTo: 'https://evil.example/steal' } })
    expect(new URL(data.properties!.action_link).searchParams.get('redirect_to')).toBe(testEnv.siteUrl)
  })
})

describe('password recovery', () => {
  it('answers {} for an unknown address as for a known one, sending nothing', async () => {
    const email = uniqueEmail('nobody')
    const { data, error } = await authClient().auth.resetPasswordForEmail(email)
    expect(error).toBeNull()
    expect(data).toEqual({})
    if (testEnv.isDevstack) expect(await mailsTo(email)).toEqual([])
  })

  it.skipIf(!testEnv.isDevstack)('mails a recovery link; it signs in at aal1 and never removes the second factor', async () => {
    const user = await createTestUser('recovery')
    const client = await signedInClient(user)
    const { data: factor } = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Handy' })
    const code = new TOTP({ secret: Secret.fromBase32(factor!.totp.secret) }).generate()
    expect((await client.auth.mfa.challengeAndVerify({ factorId: factor!.id, code })).error).toBeNull()

    expect((await authClient().auth.resetPasswordForEmail(user.email, { redirectTo: portalRedirect })).error).toBeNull()
    const mail = await latestMail(user.email)
    expect(mail.subject).toContain('Passwort zurücksetzen')
    const link = setPasswordLink(mail, 'recovery')
    const recovered = authClient()
    const { data, error } = await recovered.auth.verifyOtp({ token_hash: link.tokenHash, type: link.type })
    expect(error).toBeNull()
    const claims = decodeJwt(data.session!.access_token)
    expect(claims.aal).toBe('aal1')
    expect(claims.amr).toEqual([{ method: 'otp', timestamp: expect.any(Number) }])

    const { data: level } = await recovered.auth.mfa.getAuthenticatorAssuranceLevel()
    expect(level).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal2' })
    const factors = await db()`select status::text from auth.mfa_factors where user_id = ${user.id}`
    expect(factors).toEqual([{ status: 'verified' }])
  })

  it('limits recovery mails per address to one per max_frequency', async () => {
    const user = await createTestUser('recovery-frequency')
    expect((await authClient().auth.resetPasswordForEmail(user.email)).error).toBeNull()
    const second = await authClient().auth.resetPasswordForEmail(user.email)
    expect(second.error).toMatchObject({ status: 429, code: 'over_email_send_rate_limit' })
  })

  it('verifies a recovery code by e-mail + token and by token_hash, each once', async () => {
    const user = await createTestUser('recovery-otp')
    const admin = serviceClient().auth.admin
    const first = await admin.generateLink({ type: 'recovery', email: user.email })
    const properties = first.data.properties!
    expect(properties.hashed_token).toBe(createHash('sha224').update(user.email + properties.email_otp).digest('hex'))
    expect(properties.action_link).toContain(`token=${properties.hashed_token}`)
    const [stored] = await db()`select token_type::text, token_hash, relates_to from auth.one_time_tokens where user_id = ${user.id}`
    expect(stored).toEqual({ token_type: 'recovery_token', token_hash: properties.hashed_token, relates_to: user.email })

    const byCode = await authClient().auth.verifyOtp({ email: user.email, token: properties.email_otp, type: 'recovery' })
    expect(byCode.error).toBeNull()
    expect(byCode.data.session!.user.id).toBe(user.id)
    expect((await authClient().auth.verifyOtp({ email: user.email, token: properties.email_otp, type: 'recovery' })).error)
      .toMatchObject({ status: 403, code: 'otp_expired' })

    const second = (await admin.generateLink({ type: 'recovery', email: user.email })).data.properties!
    expect((await authClient().auth.verifyOtp({ token_hash: second.hashed_token, type: 'recovery' })).error).toBeNull()
  })

  it('redirects a bad link to the site with the error in the fragment', async () => {
    const response = await authFetch('/verify?token=bogus&type=recovery', { redirect: 'manual' })
    expect(response.status).toBe(303)
    const fragment = new URLSearchParams(response.headers.get('location')!.split('#')[1])
    expect(fragment.get('error')).toBe('access_denied')
    expect(fragment.get('error_code')).toBe('otp_expired')
  })
})
