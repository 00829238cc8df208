// Journey: a new client user from the invitation mail to the portal. Staff invite the address into
// a client, the `mail` function delivers the invitation, and in the browser the invitee sets a
// password, is made a member, sets up an authenticator app, and signs in again with a fresh code.
import { afterAll, expect, it } from 'vitest'
import { latestMail, strongPassword } from '../helpers/auth.ts'
import { db, uniqueEmail } from '../helpers/personas.ts'
import { Authenticator, call, closePortal, newClient, staffMember } from '../helpers/portal.ts'
import { waitFor } from '../helpers/wait.ts'
import { startJourney } from './browser.ts'
import { enterCode, overview, portalLink, setUpPage, shownTotpSecret, signIn, signOut, stepUpPage } from './steps.ts'

afterAll(closePortal)

it('an invited client user sets a password, accepts, enrols TOTP and signs in again with a code', async () => {
  const staff = await staffMember('e2e-inviting-staff')
  const client = await newClient(staff, 'E2E Mandant GmbH')
  const email = uniqueEmail('e2e-invitee')
  await call(staff.client, 'invite_to_client', { client_id: client.id, email, role: 'owner' })
  const mail = await latestMail(email, 15_000)

  const journey = await startJourney('invited-client')
  const { page } = journey
  try {
    const link = portalLink(mail)
    expect(new URL(link).pathname).toBe('/passwort-setzen')
    expect(new URL(link).searchParams.get('weiter')).toMatch(/^\/einladung\/annehmen\?invitation=[0-9a-f]{64}$/)
    await page.goto(link)
    await page.getByRole('heading', { level: 1, name: 'Willkommen im Mandantenportal' }).waitFor()
    await journey.screenshot('invitation-link-opened')
    await page.getByRole('button', { name: 'Weiter' }).click()
    const password = strongPassword()
    await page.getByLabel('Neues Passwort', { exact: true }).fill(password)
    await page.getByLabel('Neues Passwort wiederholen').fill(password)
    await page.getByText(/^Stärke: (stark|sehr stark)$/).waitFor()
    await journey.screenshot('password-chosen')
    await page.getByRole('button', { name: 'Passwort speichern' }).click()

    await setUpPage(page)
    const membership = await waitFor(async () => {
      const [row] = await db()<Array<{ role: string }>>`
        select m.role from public.client_members as m join auth.users as u on u.id = m.user_id
         where m.client_id = ${client.id} and u.email = ${email}`
      return row
    }, 5_000)
    expect(membership).toEqual({ role: 'owner' })
    await journey.screenshot('invitation-accepted-set-up')

    await page.getByRole('button', { name: 'QR-Code anzeigen' }).click()
    const qrCode = page.getByRole('img', { name: 'QR-Code zum Einrichten der Authenticator-App' })
    await qrCode.waitFor()
    // The image must decode, not just be there: a broken data: URI shows only its alt text.
    expect(await qrCode.evaluate((image: HTMLImageElement) => image.decode().then(() => image.naturalWidth, () => 0))).toBeGreaterThan(0)
    const app = new Authenticator('browser', await shownTotpSecret(page))
    await journey.screenshot('totp-shown')
    await enterCode(page, app.nextCode(), 'Sechsstelliger Code', 'Code prüfen und aktivieren')
    await overview(page)
    await journey.screenshot('overview')

    await signOut(page)
    await journey.screenshot('signed-out')
    await signIn(page, email, password)
    await stepUpPage(page)
    await journey.screenshot('step-up')
    await enterCode(page, app.nextCode(), 'Code aus Ihrer Authenticator-App', 'Bestätigen')
    await overview(page)
    await journey.screenshot('overview-after-step-up')
  }
  finally {
    await journey.close()
  }
})
