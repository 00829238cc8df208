// Journey: staff work the queue — filter it (all in the URL), take a ticket, write an internal
// note while the client has the ticket open, set it to "waiting for the client"; the client's
// answer reopens it, live on both sides. The client's page never receives the note: neither its
// REST answers nor any Realtime frame carry the note's text or even its announcement.
import type { Page, WebSocket } from 'playwright-core'
import { afterAll, expect, it } from 'vitest'
import { testEnv } from '../helpers/env.ts'
import { call, clientUser, closePortal, newClient, staffMember } from '../helpers/portal.ts'
import { accessibilityViolations } from './accessibility.ts'
import { startJourney } from './browser.ts'
import { overview, signIn } from './steps.ts'

afterAll(closePortal)

/** Everything the page receives from the API: REST bodies and Realtime frames, as text. */
function recordTraffic(page: Page): string[] {
  const received: string[] = []
  page.on('response', async (response) => {
    if (!response.url().startsWith(testEnv.supabaseUrl)) return
    try {
      received.push(`${response.url()} ${await response.text()}`)
    }
    catch {
      // a body the page discarded (redirect, navigation) carries nothing to inspect
    }
  })
  page.on('websocket', (socket: WebSocket) => socket.on('framereceived', frame => received.push(String(frame.payload))))
  return received
}

it('staff filter the queue, take a ticket, note internally and wait for the client, whose reply reopens it', async () => {
  const staff = await staffMember('e2e-queue-staff')
  const client = await newClient(staff, 'E2E Logistik AG')
  const owner = await clientUser(staff, client, 'e2e-queue-owner')
  const tag = client.id.slice(0, 6)
  type Opened = { id: string, number: number }
  const rent = await call<Opened>(owner.client, 'open_ticket', { subject: `Mietminderung Halle ${tag}`, body: 'Das Dach ist undicht, wir mindern die Miete.' })
  await call<Opened>(owner.client, 'open_ticket', { subject: `Nebenkosten ${tag}`, body: 'Die Abrechnung ist unklar.' })
  const note = `Vermieter hat schon einmal verloren, Akte ${tag} prüfen`

  const staffJourney = await startJourney('tickets-staff')
  const clientJourney = await startJourney('tickets-staff-client-side')
  const desk = staffJourney.page
  const page = clientJourney.page
  const clientTraffic = recordTraffic(page)
  try {
    await signIn(desk, staff.email, staff.password)
    await overview(desk)
    await desk.goto(new URL('/tickets', desk.url()).href)
    await desk.getByRole('radio', { name: /^Offen/ }).click()
    await desk.getByLabel('Zugewiesen an').selectOption({ label: 'Niemandem' })
    await desk.getByLabel('Suche').fill(`Mietminderung ${tag}`)
    await desk.waitForURL(url => url.searchParams.get('q') === `Mietminderung ${tag}` && url.searchParams.get('status') === 'open'
      && url.searchParams.get('assignee') === 'none')
    const rows = desk.locator('a[data-ticket-row]')
    const onlyTheRentTicket = () => expect.poll(() => rows.allTextContents(), { timeout: 15_000 }).toEqual([expect.stringContaining(`Mietminderung Halle ${tag}`)])
    await onlyTheRentTicket()
    await staffJourney.screenshots('queue-filtered')
    expect(await accessibilityViolations(desk)).toEqual([])
    // The filtered view is an address: opened afresh it shows the same.
    await desk.reload()
    await onlyTheRentTicket()

    await rows.first().click()
    await desk.getByRole('heading', { level: 1, name: `#${rent.number} Mietminderung Halle ${tag}` }).waitFor()
    await desk.getByRole('button', { name: 'Übernehmen' }).click()
    await desk.getByText('e2e-queue-staff (Test) hat das Ticket übernommen.').waitFor()

    await signIn(page, owner.email, owner.password)
    await overview(page)
    await page.goto(new URL(`/tickets/${rent.number}`, page.url()).href)
    await page.getByText('Live: Neues erscheint sofort.').waitFor()

    await desk.getByRole('radio', { name: 'Interne Notiz' }).click()
    await desk.getByLabel('Interne Notiz').fill(note)
    await desk.getByRole('button', { name: 'Notiz speichern' }).click()
    await desk.getByText(note).waitFor()
    await desk.getByLabel('Status ändern').selectOption({ label: 'Warten auf Mandant' })
    await desk.getByText('hat das Ticket auf „Warten auf Mandant“ gesetzt.').waitFor()
    await staffJourney.screenshots('taken-noted-pending')
    expect(await accessibilityViolations(desk)).toEqual([])

    // The client's open page follows along live (the status arrived after the note).
    await page.getByText('hat das Ticket auf „Warten auf Sie“ gesetzt.').waitFor()
    await clientJourney.screenshots('waiting-for-the-client')
    await page.getByLabel('Ihre Antwort').fill('Anbei die Fotos vom Dach; der Schaden ist seit Oktober bekannt.')
    await page.getByRole('button', { name: 'Antwort senden' }).click()
    await page.getByText('hat das Ticket auf „Offen“ gesetzt.').waitFor()
    await clientJourney.screenshots('reply-reopened')
    expect(await accessibilityViolations(page)).toEqual([])

    await desk.getByText('Anbei die Fotos vom Dach').waitFor()
    await desk.getByText('hat das Ticket auf „Offen“ gesetzt.').waitFor()
    await staffJourney.screenshots('reopened-by-the-client')

    expect(clientTraffic.some(item => item.includes('reply_created'))).toBe(true)
    expect(clientTraffic.filter(item => item.includes(note) || /"kind"\s*:\s*"note"/.test(item))).toEqual([])
  }
  finally {
    await clientJourney.close()
    await staffJourney.close()
  }
// Two browsers and several people: longer than a one-person journey.
}, 120_000)
