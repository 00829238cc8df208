// "Forgot password" as the portal does it: resetPasswordForEmail with redirectTo <site>/passwort-neu.
// The recovery mail's link lands there with an aal1 session; the TOTP factor stays, the user steps
// up with it before setting the new password, and afterwards still has it.
import { Secret, TOTP } from 'otpauth'
import { afterAll, expect, it } from 'vitest'
import { authClient, createTestUser, followVerifyLink, latestMail, signedInClient, strongPassword } from '../helpers/auth.ts'
import { testEnv } from '../helpers/env.ts'
import { closeDb } from '../helpers/personas.ts'

afterAll(closeDb)

it.skipIf(!testEnv.isDevstack)('the recovery link lands on /passwort-neu and never removes the second factor', async () => {
  const user = await createTestUser('forgot-password')
  const client = await signedInClient(user)
  const { data: enrolled } = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Handy' })
  const totp = new TOTP({ secret: Secret.fromBase32(enrolled!.totp.secret) })
  expect((await client.auth.mfa.challengeAndVerify({ factorId: enrolled!.id, code: totp.generate() })).error).toBeNull()

  const page = `${testEnv.siteUrl}/passwort-neu`
  expect((await authClient().auth.resetPasswordForEmail(user.email, { redirectTo: page })).error).toBeNull()
  const mail = await latestMail(user.email)
  expect(mail.text + mail.html).toContain('Ihr zweiter Faktor bleibt bestehen')
  const link = mail.links.find(candidate => candidate.includes('type=recovery'))!
  expect(new URL(link).searchParams.get('redirect_to')).toBe(page)
  const { status, target, params } = await followVerifyLink(link)
  expect(status).toBe(303)
  expect(target).toBe(page)
  expect(params.get('type')).toBe('recovery')

  const recovered = authClient()
  await recovered.auth.setSession({ access_token: params.get('access_token')!, refresh_token: params.get('refresh_token')! })
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
