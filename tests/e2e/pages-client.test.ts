// Journey (issue 13, the client's side): the overview shows the client's pinned page with its
// "new" marker and its next appointments; a page published for the client while it looks appears
// without a reload; opening the page takes the marker away; the client declines the page's
// appointment with a reason and asks for another time for its own one (each becomes a ticket for
// the firm); it subscribes to the calendar feed, whose address (fetched as a calendar app would)
// holds exactly its appointments but the declined one, and ending the subscription makes the
// address fail. Staff then make an appointment for the client without a page on /termine (in New
// York's time zone, of one of its matters); the client, reading in Berlin, sees it on both clocks,
// confirms it and takes it into a calendar as .ics at the right instant; back on the overview, the
// two open tickets are counted.
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import ICAL from 'ical.js'
import { afterAll, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { db } from '../helpers/personas.ts'
import { call, clientUser, closePortal, newClient, newMatter, staffMember, type Client, type PortalUser } from '../helpers/portal.ts'
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

  const matter = await newMatter(staff, client, 'Abnahme Halle 3')
  const journey = await startJourney('pages-client', { timezoneId: 'Europe/Berlin' })
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

    // Staff: a new appointment for the client, no page, on /termine; 10:00 in New York in January is 15:00 UTC, 16:00 in Berlin.
    const year = new Date().getUTCFullYear() + 1
    const desk = await startJourney('pages-client-staff-appointment')
    try {
      const staffPage = desk.page
      await signIn(staffPage, staff.email, staff.password)
      await overview(staffPage)
      await mainNavigation(staffPage).getByRole('link', { name: 'Termine' }).click()
      await staffPage.getByRole('heading', { level: 1, name: 'Termine' }).waitFor()
      await staffPage.getByRole('button', { name: 'Neuer Termin' }).click()
      const clientField = staffPage.getByLabel('Mandant', { exact: true })
      await clientField.fill(client.name)
      const option = staffPage.locator(`datalist option[value^="${client.name}"]`)
      await option.waitFor({ state: 'attached' })
      await clientField.fill((await option.getAttribute('value'))!)
      const matterField = staffPage.getByLabel('Akte (optional)')
      await expect.poll(() => matterField.locator('option').count()).toBe(2)
      await matterField.selectOption({ index: 1 })
      await staffPage.getByLabel('Titel des Termins').fill('Schlussbesprechung Halle 3')
      await staffPage.getByLabel('Zeitzone').selectOption('America/New_York')
      await staffPage.getByLabel('Beginn', { exact: true }).fill(`${year}-01-20T10:00`)
      await staffPage.getByLabel('Ende', { exact: true }).fill(`${year}-01-20T11:00`)
      await staffPage.getByLabel('Per Videoanruf').check()
      await desk.screenshots('staff-appointment-for-a-client')
      expect(await accessibilityViolations(staffPage)).toEqual([])
      await staffPage.getByRole('button', { name: 'Termin speichern' }).click()
      await staffPage.getByText('Termin gespeichert.').waitFor()
      // In the list of appointments for clients, under this client's name (staff see every client's).
      await staffPage.getByRole('listitem').filter({ hasText: client.name })
        .getByRole('button', { name: '„Schlussbesprechung Halle 3“ bearbeiten' }).waitFor()
      const [saved] = await db()<Array<{ starts_at: Date, time_zone: string, matter_id: string | null, page_id: string | null }>>`
        select starts_at, time_zone, matter_id, page_id from public.appointments where client_id = ${client.id} and title = 'Schlussbesprechung Halle 3'`
      expect(saved).toEqual({ starts_at: new Date(`${year}-01-20T15:00:00Z`), time_zone: 'America/New_York', matter_id: matter.id, page_id: null })
    }
    finally {
      await desk.close()
    }

    // The client: on its own clock too, confirms, and the .ics holds the instant.
    await page.reload()
    const closing = page.getByRole('article', { name: 'Schlussbesprechung Halle 3' })
    await expect.poll(() => closing.locator('time').textContent()).toMatch(/10:00–11:00 Uhr \(America\/New_York\)$/)
    await expect.poll(() => closing.locator('[data-local-time]').textContent()).toMatch(/^Bei Ihnen: .*16:00–17:00 Uhr \(Europe\/Berlin\)$/)
    await closing.getByRole('button', { name: 'Zusagen' }).click()
    await closing.getByText('Sie haben zugesagt.').waitFor()
    await journey.screenshots('client-confirmed-appointment-without-page')
    const download = page.waitForEvent('download')
    await closing.getByRole('button', { name: 'In den Kalender (.ics)' }).click()
    const ics = await readFile((await (await download).path())!, 'utf8')
    const [event] = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map(component => new ICAL.Event(component))
    expect(event?.summary).toBe('Schlussbesprechung Halle 3')
    expect(event?.startDate.toJSDate().toISOString()).toBe(`${year}-01-20T15:00:00.000Z`)

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
