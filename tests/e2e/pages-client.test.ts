// Journey (issue 13, the client's side): the overview shows the client's pinned page with its
// "new" marker and its next appointments; a page published for the client while it looks appears
// without a reload; opening the page takes the marker away; the client declines the page's
// appointment with a reason and asks for another time for its own one (each becomes a ticket for
// the firm); it subscribes to the calendar feed, whose address (fetched as a calendar app would)
// holds exactly its appointments but the declined one, and ending the subscription makes the
// address fail; back on the overview, the two open tickets are counted.
import { randomUUID } from 'node:crypto'
import ICAL from 'ical.js'
import { afterAll, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { db } from '../helpers/personas.ts'
import { call, clientUser, closePortal, newClient, staffMember, type Client, type PortalUser } from '../helpers/portal.ts'
import { accessibilityViolations } from './accessibility.ts'
import { startJourney } from './browser.ts'
import { overview, signIn } from './steps.ts'

afterAll(closePortal)

const day = 24 * 60 * 60 * 1000
const at = (days: number, hours: number) => new Date(Math.floor(Date.now() / day) * day + days * day + hours * 60 * 60 * 1000).toISOString()

/** A published page for one client, as the staff editor saves it. */
async function publishPage(staff: PortalUser, client: Client, title: string, body: string, pinned = false): Promise<string> {
  const id = randomUUID()
  await call(staff.client, 'save_page', { page_id: id, title, body, pinned, client_ids: [client.id] })
  return id
}

async function addAppointments(staff: PortalUser, rows: Array<Record<string, unknown>>) {
  const { error } = await staff.client.from('appointments').insert(rows, { defaultToNull: false })
  if (error) throw new Error(`appointments: ${error.message}`)
}

const summaries = (ics: string) =>
  new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map(event => new ICAL.Event(event).summary).sort()

const mainNavigation = (page: Page) => page.getByRole('navigation', { name: 'Hauptnavigation' }).first()

it('a client sees its pinned page and next appointments on the overview, answers them and subscribes to its calendar', async () => {
  const staff = await staffMember('e2e-pages-staff')
  const client = await newClient(staff, 'E2E Müller Bau')
  const other = await newClient(staff, 'E2E Nordlicht')
  const owner = await clientUser(staff, client, 'e2e-pages-owner')
  const pinnedId = await publishPage(staff, client, 'Hinweise zur Baustelle Lindenstraße', '## Zufahrt\n\nBitte über die **Nordseite** anfahren.', true)
  await addAppointments(staff, [
    { page_id: pinnedId, title: 'Baubesprechung vor Ort', starts_at: at(7, 8), ends_at: at(7, 9), location: 'Lindenstraße 12' },
    { client_id: client.id, title: 'Abnahme Halle 3', starts_at: at(9, 12), ends_at: at(9, 13), video_call: true },
    { client_id: other.id, title: 'Vertragsbesprechung Nordlicht', starts_at: at(8, 9), ends_at: at(8, 10) },
  ])
  await call(staff.client, 'set_page_published', { page_id: pinnedId, published: true })

  const journey = await startJourney('pages-client')
  const { page } = journey
  try {
    await signIn(page, owner.email, owner.password)
    await overview(page)
    const pinnedRow = page.getByRole('link', { name: /Hinweise zur Baustelle Lindenstraße/ })
    await pinnedRow.waitFor()
    await expect.poll(() => pinnedRow.textContent()).toContain('Neu')
    expect(await pinnedRow.getByLabel('Angeheftet').count()).toBe(1)
    const appointments = page.locator('[data-appointment-row]')
    await expect.poll(() => appointments.allTextContents()).toEqual([
      expect.stringMatching(/Baubesprechung vor Ort.*Lindenstraße 12.*Sie haben noch nicht geantwortet\./),
      expect.stringMatching(/Abnahme Halle 3.*Online per Video.*Sie haben noch nicht geantwortet\./),
    ])
    await journey.screenshots('overview-with-pinned-page-and-appointments')
    expect(await accessibilityViolations(page)).toEqual([])

    // Published while the client looks: the overview reads it again from the user topic.
    const circular = await publishPage(staff, client, 'Rundschreiben Dezember', 'Die Kanzlei ist vom 24. bis 26. Dezember geschlossen.')
    await call(staff.client, 'set_page_published', { page_id: circular, published: true })
    await page.getByRole('link', { name: /Rundschreiben Dezember/ }).waitFor({ timeout: 15_000 })

    await pinnedRow.click()
    await page.getByRole('heading', { level: 1, name: 'Hinweise zur Baustelle Lindenstraße' }).waitFor()
    await page.getByRole('heading', { level: 2, name: 'Zufahrt' }).waitFor()
    const meeting = page.getByRole('article', { name: 'Baubesprechung vor Ort' })
    await meeting.getByRole('button', { name: 'Absagen' }).click()
    await meeting.getByLabel('Grund der Absage (freiwillig)').fill('Am 7. bin ich auf einer anderen Baustelle.')
    await journey.screenshots('declining-with-a-reason')
    expect(await accessibilityViolations(page)).toEqual([])
    await meeting.getByRole('button', { name: 'Absage senden' }).click()
    await meeting.getByText('Sie haben abgesagt.').waitFor()

    await mainNavigation(page).getByRole('link', { name: 'Übersicht' }).click()
    await overview(page)
    await expect.poll(() => pinnedRow.textContent()).not.toContain('Neu')
    await expect.poll(() => page.getByRole('link', { name: /Rundschreiben Dezember/ }).textContent()).toContain('Neu')

    await mainNavigation(page).getByRole('link', { name: 'Termine' }).click()
    await page.getByRole('heading', { level: 1, name: 'Termine' }).waitFor()
    const acceptance = page.getByRole('article', { name: 'Abnahme Halle 3' })
    await acceptance.getByRole('button', { name: 'Anderen Termin erbitten' }).click()
    await acceptance.getByLabel('Wann passt es Ihnen?').fill('Gern eine Woche später, vormittags.')
    await acceptance.getByRole('button', { name: 'Wunsch senden' }).click()
    await acceptance.getByText('Sie haben um einen anderen Termin gebeten.').waitFor()
    expect(await page.getByRole('article', { name: 'Vertragsbesprechung Nordlicht' }).count()).toBe(0)

    // Both answers reached the firm as tickets of the client, with the reason and the wish.
    const tickets = await db()<Array<{ subject: string, body: string }>>`
      select t.subject, r.body from public.tickets as t join public.ticket_replies as r on r.ticket_id = t.id
       where t.client_id = ${client.id} and t.category = 'appointments' order by t.subject`
    expect(tickets).toEqual([
      { subject: 'Terminabsage: Baubesprechung vor Ort', body: expect.stringContaining('Am 7. bin ich auf einer anderen Baustelle.') },
      { subject: 'Terminanfrage: Abnahme Halle 3', body: expect.stringContaining('Gern eine Woche später, vormittags.') },
    ])

    await page.getByRole('button', { name: 'Adresse erstellen' }).click()
    const address = await page.getByLabel('Adresse des Kalenders').inputValue()
    expect(address).toMatch(/\/functions\/v1\/calendar-feed\/[A-Za-z0-9_-]{43}\.ics$/)
    await journey.screenshots('calendar-address-shown-once')
    expect(await accessibilityViolations(page)).toEqual([])
    // As a calendar app fetches it: the address alone, no key, no token. Only the client's own
    // appointments, and not the one it declined.
    const feed = await fetch(address)
    expect(feed.status).toBe(200)
    expect(summaries(await feed.text())).toEqual(['Abnahme Halle 3'])

    await page.getByRole('button', { name: 'Abonnement beenden' }).click()
    await page.getByRole('button', { name: 'Adresse erstellen' }).waitFor()
    expect((await fetch(address)).status).toBe(404)

    // The two answers wait at the firm as open tickets; the overview counts them as a link.
    await mainNavigation(page).getByRole('link', { name: 'Übersicht' }).click()
    await overview(page)
    await page.getByRole('link', { name: '2 offene Tickets' }).waitFor()
    await page.getByRole('link', { name: 'Keine ungelesenen Nachrichten' }).waitFor()
  }
  finally {
    await journey.close()
  }
}, 180_000)
