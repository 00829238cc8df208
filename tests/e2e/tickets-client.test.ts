// Journey: a client user opens a ticket with an attachment (upload with progress, through the
// document RPCs and Storage); a staff member, in a second browser, finds it in the queue, opens
// the attached file and answers; the client's open page shows the answer without a reload.
import { afterAll, expect, it } from 'vitest'
import { db } from '../helpers/personas.ts'
import { clientUser, closePortal, newClient, staffMember } from '../helpers/portal.ts'
import { accessibilityViolations } from './accessibility.ts'
import { startJourney } from './browser.ts'
import { overview, signIn } from './steps.ts'

afterAll(closePortal)

const pdf = { name: 'Schreiben Landgericht.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% Verfügung vom 2. Dezember\n%%EOF\n') }

it('a client opens a ticket with an attachment and sees the staff reply arrive live', async () => {
  const staff = await staffMember('e2e-desk-staff')
  const client = await newClient(staff, 'E2E Bauträger GmbH')
  const owner = await clientUser(staff, client, 'e2e-desk-owner')
  const subject = `Fristverlängerung Klageerwiderung ${client.id.slice(0, 4)}`

  const clientJourney = await startJourney('tickets-client')
  const staffJourney = await startJourney('tickets-client-staff-side')
  const { page } = clientJourney
  try {
    await signIn(page, owner.email, owner.password)
    await overview(page)
    await page.getByRole('navigation', { name: 'Hauptnavigation' }).first().getByRole('link', { name: 'Tickets' }).click()
    await page.getByText('Noch keine Tickets').waitFor()
    await clientJourney.screenshots('no-tickets-yet')

    await page.getByRole('link', { name: 'Neues Ticket' }).click()
    await page.getByRole('heading', { level: 1, name: 'Neues Ticket' }).waitFor()
    await page.getByLabel('Betreff').fill(subject)
    await page.getByLabel('Kategorie').selectOption({ label: 'Termine' })
    await page.getByLabel('Beschreibung').fill('Das Landgericht hat uns eine Frist bis Freitag gesetzt. Bitte beantragen Sie eine Verlängerung; das Schreiben liegt bei.')
    // The picker and its upload code load when someone wants to attach something.
    await page.getByRole('button', { name: 'Dateien anhängen' }).click()
    await page.locator('input[type="file"]').setInputFiles(pdf)
    await page.getByRole('button', { name: `${pdf.name} entfernen` }).waitFor()
    await expect.poll(() => page.getByRole('progressbar').count(), { timeout: 15_000 }).toBe(0)
    await clientJourney.screenshots('new-ticket-with-attachment')
    expect(await accessibilityViolations(page)).toEqual([])
    await page.getByRole('button', { name: 'Ticket eröffnen' }).click()

    await page.waitForURL(url => /^\/tickets\/\d+$/.test(url.pathname))
    const number = Number(new URL(page.url()).pathname.split('/').pop())
    await page.getByRole('heading', { level: 1, name: `#${number} ${subject}` }).waitFor()
    await page.getByRole('button', { name: `${pdf.name} herunterladen` }).waitFor()
    await page.getByText('Live: Neues erscheint sofort.').waitFor()
    await clientJourney.screenshots('ticket-opened')
    expect(await accessibilityViolations(page)).toEqual([])
    const [stored] = await db()<Array<{ tickets: number, size: number }>>`
      select (select count(*)::int from public.tickets where subject = ${subject}) as tickets,
             (select d.size_bytes::int from public.documents as d join public.tickets as t on t.id = d.ticket_id where t.subject = ${subject}) as size`
    expect(stored).toEqual({ tickets: 1, size: pdf.buffer.byteLength })
    // Anything that reloads the page would lose this mark.
    await page.evaluate(() => ((window as unknown as { stayedOpen: boolean }).stayedOpen = true))

    const desk = staffJourney.page
    await signIn(desk, staff.email, staff.password)
    await overview(desk)
    await desk.goto(new URL('/tickets', page.url()).href)
    const row = desk.getByRole('link', { name: new RegExp(`#${number} ${subject}`) })
    await row.waitFor()
    await staffJourney.screenshots('queue-with-the-new-ticket')
    await row.click()
    await desk.getByRole('heading', { level: 1, name: `#${number} ${subject}` }).waitFor()
    const download = desk.waitForEvent('download')
    await desk.getByRole('button', { name: `${pdf.name} herunterladen` }).click()
    expect((await download).suggestedFilename()).toBe(pdf.name)
    const answer = 'Wir beantragen die Verlängerung noch heute und melden uns, sobald das Gericht entschieden hat.'
    await desk.getByLabel('Ihre Antwort').fill(answer)
    await desk.getByRole('button', { name: 'Antwort senden' }).click()
    await desk.getByText('Ihre Antwort wurde gesendet.').waitFor()
    await staffJourney.screenshots('answered')

    await page.getByText(answer).waitFor()
    expect(await page.evaluate(() => (window as unknown as { stayedOpen?: boolean }).stayedOpen)).toBe(true)
    await clientJourney.screenshots('answer-arrived-live')
    const [audit] = await db()<Array<{ downloads: number }>>`
      select count(*)::int as downloads from ops.audit_events as e
        join public.documents as d on d.id::text = e.entity_id join public.tickets as t on t.id = d.ticket_id
       where e.action = 'document.downloaded' and e.actor_id = ${staff.id} and t.subject = ${subject}`
    expect(audit).toEqual({ downloads: 1 })
  }
  finally {
    await staffJourney.close()
    await clientJourney.close()
  }
// Two browsers and several people: longer than a one-person journey.
}, 120_000)
