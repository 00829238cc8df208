// "Forgot password" as the portal does it: resetPasswordForEmail, whose mail links to
// <site>/passwort-setzen with the token hash; the app verifies it on submit (verifyOtp), which gives
// an aal1 session. The TOTP factor stays, the user steps up with it before setting the new password,
// and afterwards still has it.
import { Secret, TOTP } from 'otpauth'
import { afterAll, expect, it } from 'vitest'
import { authClient, createTestUser, latestMail, signedInClient, strongPassword } from '../helpers/auth.ts'
import { testEnv } from '../helpers/env.ts'
import { closeDb } from '../helpers/personas.ts'

afterAll(closeDb)

it.skipIf(!testEnv.isDevstack)('the recovery link\'s token hash signs in once and never removes the second factor', async () => {
  const user = await createTestUser('forgot-password')
  const client = await signedInClient(user)
  const { data: enrolled } = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Handy' })
  const totp = new TOTP({ secret: Secret.fromBase32(enrolled!.totp.secret) })
  expect((await client.auth.mfa.challengeAndVerify({ factorId: enrolled!.id, code: totp.generate() })).error).toBeNull()

  expect((await authClient().auth.resetPasswordForEmail(user.email)).error).toBeNull()
  const mail = await latestMail(user.email)
  expect(mail.text + mail.html).toContain('Ihr zweiter Faktor bleibt bestehen')
  const link = new URL(mail.links.find(candidate => candidate.startsWith(`${testEnv.siteUrl}/passwort-setzen?`))!)
  expect(link.searchParams.get('type')).toBe('recovery')
  const tokenHash = link.searchParams.get('token_hash')!

  const recovered = authClient()
  expect((await recovered.auth.verifyOtp({ token_hash: tokenHash, type: 'recovery' })).error).toBeNull()
  expect((await authClient().auth.verifyOtp({ token_hash: tokenHash, type: 'recovery' })).error).toMatchObject({ code: 'otp_expired' })
  expect((await recovered.auth.mfa.getAuthenticatorAssuranceLevel()).data).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal2' })
  expect((await recovered.rpc('my_access_state')).data).toMatchObject({ step_up_required: true, access_allowed: false })
  // The next time step's code: the one used at enrolment is spent.
  const stepUp = await recovered.auth.mfa.challengeAndVerify({ factorId: enrolled!.id, code: totp.generate({ timestamp: Date.now() + 30_000 }) })
  expect(stepUp.error).toBeNull()
  const password = strongPassword()
  expect((await recovered.auth.updateUser({ password })).error).toBeNull()

  const signedIn = await signedInClient({ ...user, password })
  const { data: factors } = await signedIn.auth.mfa.listFactors()
  expect(factors!.totp.map(factor => factor.id)).toEqual([enrolled!.id])
  expect((await signedIn.auth.mfa.getAuthenticatorAssuranceLevel()).data).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal2' })
})
