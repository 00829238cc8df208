// Journey (issue 14): a client user invites an outside expert into one matter from the matter's
// page; the invitation mail names the matter; the guest sets a password and an authenticator app
// and sees exactly that matter — the client's other matter is refused on screen and to the
// browser's own token. When the client removes the guest, the guest's open page loses the matter
// live (matter_access_ended on its topic) and the API refuses it from then on.
import { randomUUID } from 'node:crypto'
import { afterAll, expect, it } from 'vitest'
import { latestMail } from '../helpers/auth.ts'
import { uniqueEmail } from '../helpers/personas.ts'
import { call, clientUser, closePortal, newClient, staffMember, type PortalUser } from '../helpers/portal.ts'
import { accessibilityViolations } from './accessibility.ts'
import { startJourney } from './browser.ts'
import { browserAccessToken, newAccountFromInvitation, overview, portalLink, rest, signIn } from './steps.ts'

afterAll(closePortal)

interface ReferencedMatter { id: string, reference: string, title: string }

/** A matter with a reference (the route /akten/<reference>), created by staff as on /akten. */
async function matterWithReference(staff: PortalUser, clientId: string, title: string): Promise<ReferencedMatter> {
  return call<ReferencedMatter>(staff.client, 'create_matter', { client_id: clientId, title, reference: `E2E-${randomUUID().slice(0, 8)}` })
}

it('a client invites a guest who sees exactly that matter and loses it live when removed', async () => {
  const staff = await staffMember('e2e-matter-staff')
  const client = await newClient(staff, 'E2E Bauherrengemeinschaft')
  const owner = await clientUser(staff, client, 'e2e-matter-owner')
  const site = await matterWithReference(staff, client.id, 'Baumangel Dachgeschoss')
  const other = await matterWithReference(staff, client.id, 'Streit mit dem Nachbarn')
  const guestEmail = uniqueEmail('e2e-matter-expert')

  const clientJourney = await startJourney('matters-guest-client')
  const guestJourney = await startJourney('matters-guest')
  const page = clientJourney.page
  const guest = guestJourney.page
  const matterPage = (of: ReferencedMatter, on = page) => new URL(`/akten/${encodeURIComponent(of.reference)}`, on.url()).href
  try {
    await signIn(page, owner.email, owner.password)
    await overview(page)
    await page.goto(matterPage(site))
    await page.getByRole('heading', { level: 1, name: site.title }).waitFor()
    await page.getByLabel('Gast einladen (E-Mail-Adresse)').fill(guestEmail)
    await page.getByRole('button', { name: 'Einladen' }).click()
    await page.getByText(`Einladung an ${guestEmail} verschickt.`).waitFor()
    await page.getByRole('button', { name: `Einladung an ${guestEmail} zurückziehen` }).waitFor()
    await clientJourney.screenshots('guest-invited')
    expect(await accessibilityViolations(page)).toEqual([])

    // The mail names the matter and leads through the password to the acceptance.
    const mail = await latestMail(guestEmail, 15_000)
    expect(mail.text).toContain(`„${site.title}“`)
    const link = portalLink(mail)
    expect(new URL(link).pathname).toBe('/passwort-setzen')

    await newAccountFromInvitation(guest, link)
    await guestJourney.screenshot('signed-in-with-second-factor')

    // Exactly that matter: in the list, on its page; the other one is not found.
    await guest.goto(new URL('/akten', guest.url()).href)
    const rows = guest.getByRole('link', { name: new RegExp(site.reference) })
    await rows.waitFor()
    expect(await guest.locator('a[href^="/akten/"]').count()).toBe(1)
    expect(await guest.getByText(other.title).count()).toBe(0)
    await guestJourney.screenshots('only-its-matter')
    expect(await accessibilityViolations(guest)).toEqual([])

    await guest.goto(matterPage(other, guest))
    await guest.getByText('Diese Akte gibt es nicht, oder Sie haben keinen Zugriff darauf.').waitFor()
    expect(await guest.getByText(other.title).count()).toBe(0)
    await guestJourney.screenshots('other-matter-refused')

    const token = await browserAccessToken(guest)
    expect(await rest('rpc/matter_overview', token, { reference: other.reference })).toMatchObject({ status: 400, body: { message: 'matter_not_found' } })
    expect(await rest('matters?select=id', token)).toEqual({ status: 200, body: [{ id: site.id }] })
    expect(await rest('rpc/list_matters', token, {})).toMatchObject({ status: 200, body: [{ id: site.id }] })

    await guest.goto(matterPage(site, guest))
    await guest.getByRole('heading', { level: 1, name: site.title }).waitFor()
    await guest.getByText('Sie sind Gast in dieser Akte').waitFor()
    await guest.evaluate(() => ((window as unknown as { stayedOpen: boolean }).stayedOpen = true))
    await guestJourney.screenshots('its-matter')
    expect(await accessibilityViolations(guest)).toEqual([])

    // The client removes the guest; the guest's open page loses the matter without a reload.
    await page.reload()
    const removal = page.getByRole('button', { name: /aus der Akte entfernen$/ })
    await removal.waitFor()
    expect(await removal.count()).toBe(1)
    page.once('dialog', dialog => void dialog.accept())
    await removal.click()
    await page.getByRole('listitem').filter({ hasText: 'Gast' }).waitFor({ state: 'detached' })

    await guest.getByText('Sie haben keinen Zugriff mehr auf diese Akte.').waitFor()
    expect(await guest.getByRole('heading', { level: 1, name: site.title }).count()).toBe(0)
    expect(await guest.evaluate(() => (window as unknown as { stayedOpen?: boolean }).stayedOpen)).toBe(true)
    await guestJourney.screenshots('access-ended')
    expect(await accessibilityViolations(guest)).toEqual([])

    expect(await rest('rpc/matter_overview', token, { reference: site.reference })).toMatchObject({ status: 400, body: { message: 'matter_not_found' } })
    expect(await rest('matters?select=id', token)).toEqual({ status: 200, body: [] })
  }
  finally {
    await clientJourney.close()
    await guestJourney.close()
  }
}, 180_000)
