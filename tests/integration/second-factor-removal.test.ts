// The last second factor stays, whichever API removes it: GoTrue's DELETE /factors/{id} and its
// admin API (refused by the trigger on auth.mfa_factors, which GoTrue answers like any database
// failure: 500 unexpected_failure) and remove_email_factor (last_second_factor). Beside another
// factor, each removal works.
import { afterAll, describe, expect, it } from 'vitest'
import { serviceClient } from '../helpers/personas.ts'
import { call, closePortal, emailCode, enrolTotp, portalUser, refusal } from '../helpers/portal.ts'
import type { PortalUser } from '../helpers/portal.ts'

afterAll(closePortal)

async function enrolEmailFactor(user: PortalUser): Promise<void> {
  await call(user.client, 'request_email_code')
  expect(await call(user.client, 'verify_email_code', { code: await emailCode(user.email) })).toMatchObject({ verified: true, enrolled: true })
}

const factorsOf = async (user: PortalUser) =>
  (await call<{ factors: { totp: number, email: boolean } }>(user.client, 'my_access_state')).factors

describe('the last second factor stays', () => {
  it('an app factor that is the only one is not unenrolled, not even by the admin API; beside the e-mail factor it is', async () => {
    const user = await portalUser('last-totp')
    const app = await enrolTotp(user.client)

    // auth-js reports a 500 without its code (as a retryable failure), with GoTrue's message.
    expect((await user.client.auth.mfa.unenroll({ factorId: app.factorId })).error)
      .toMatchObject({ status: 500, message: 'Unexpected failure, please check server logs for more information' })
    expect((await serviceClient().auth.admin.mfa.deleteFactor({ userId: user.id, id: app.factorId })).error)
      .toMatchObject({ status: 500, message: 'Database error deleting factor' })
    expect(await factorsOf(user)).toEqual({ totp: 1, email: false })
    const { data: level } = await user.client.auth.mfa.getAuthenticatorAssuranceLevel()
    expect(level?.currentLevel).toBe('aal2')

    await enrolEmailFactor(user)
    expect((await user.client.auth.mfa.unenroll({ factorId: app.factorId })).error).toBeNull()
    expect(await factorsOf(user)).toEqual({ totp: 0, email: true })
  })

  it('the e-mail factor that is the only one is not removed; beside an app factor it is', async () => {
    const user = await portalUser('last-email')
    await enrolEmailFactor(user)
    expect(await refusal(user.client, 'remove_email_factor')).toEqual({ status: 400, code: 'P0001', message: 'last_second_factor' })
    expect(await factorsOf(user)).toEqual({ totp: 0, email: true })

    await enrolTotp(user.client)
    await call(user.client, 'remove_email_factor')
    expect(await factorsOf(user)).toEqual({ totp: 1, email: false })
  })
})
