// Journey: a guest (an outside expert invited into one matter) opens a ticket about that matter,
// which it must name, and sees only that matter's tickets; the client's other tickets stay closed
// to it, on screen and for the browser's own token straight against the API.
import { afterAll, expect, it } from 'vitest'
import { call, clientUser, closePortal, guestIn, newClient, newMatter, staffMember } from '../helpers/portal.ts'
import { accessibilityViolations } from './accessibility.ts'
import { startJourney } from './browser.ts'
import { browserAccessToken, overview, rest, signIn } from './steps.ts'

afterAll(closePortal)

it('a guest opens a ticket about its matter and cannot see the client\'s other tickets', async () => {
  const staff = await staffMember('e2e-guest-staff')
  const client = await newClient(staff, 'E2E Wohnbau KG')
  const site = await newMatter(staff, client, 'Baustelle Hafenstraße')
  const otherMatter = await newMatter(staff, client, 'Arbeitsrecht')
  const owner = await clientUser(staff, client, 'e2e-guest-owner')
  const expert = await guestIn(owner, site, 'e2e-guest-expert')
  type Opened = { id: string, number: number }
  const clientWide = await call<Opened>(owner.client, 'open_ticket', { subject: 'Honorar des Gutachters', body: 'Nur intern bei uns.' })
  const otherCase = await call<Opened>(owner.client, 'open_ticket', { subject: 'Abmahnung Mitarbeiter', body: 'Vertraulich.', matter_id: otherMatter.id })

  const journey = await startJourney('tickets-guest')
  const { page } = journey
  try {
    await signIn(page, expert.email, expert.password)
    await overview(page)
    await page.goto(new URL('/tickets', page.url()).href)
    await page.getByText('Noch keine Tickets').waitFor()
    await journey.screenshots('only-its-matter')

    await page.getByRole('link', { name: 'Neues Ticket' }).click()
    await page.getByLabel('Betreff').fill('Zugang zur Baustelle für den Ortstermin')
    await page.getByLabel('Beschreibung').fill('Wer öffnet mir am Mittwoch das Tor? Ich komme um 9 Uhr.')
    const submit = page.getByRole('button', { name: 'Ticket eröffnen' })
    // A guest must name its matter: without one the ticket cannot be sent.
    expect(await submit.isDisabled()).toBe(true)
    expect(await page.getByLabel('Akte').locator('option').allTextContents()).toEqual(['Akte wählen', site.title])
    await page.getByLabel('Akte').selectOption(site.id)
    await journey.screenshots('new-ticket-for-its-matter')
    expect(await accessibilityViolations(page)).toEqual([])
    await submit.click()
    await page.waitForURL(url => /^\/tickets\/\d+$/.test(url.pathname))
    await page.getByText('Zugang zur Baustelle für den Ortstermin').first().waitFor()
    await journey.screenshots('opened')

    await page.goto(new URL('/tickets', page.url()).href)
    const rows = page.locator('a[data-ticket-row]')
    await rows.first().waitFor()
    expect(await rows.allTextContents()).toEqual([expect.stringContaining('Zugang zur Baustelle')])

    for (const hidden of [clientWide, otherCase]) {
      await page.goto(new URL(`/tickets/${hidden.number}`, page.url()).href)
      await page.getByRole('heading', { level: 1, name: 'Ticket nicht gefunden' }).waitFor()
    }
    await journey.screenshots('other-tickets-not-found')
    expect(await accessibilityViolations(page)).toEqual([])

    const token = await browserAccessToken(page)
    for (const hidden of [clientWide, otherCase]) {
      expect(await rest(`tickets?select=id&id=eq.${hidden.id}`, token)).toEqual({ status: 200, body: [] })
      expect(await rest(`ticket_replies?select=body&ticket_id=eq.${hidden.id}`, token)).toEqual({ status: 200, body: [] })
      expect(await rest('rpc/mark_ticket_seen', token, { ticket_id: hidden.id })).toMatchObject({ status: 400, body: { message: 'ticket_not_found' } })
      expect(await rest('rpc/reply_to_ticket', token, { ticket_id: hidden.id, body: 'Hallo?' })).toMatchObject({ status: 400, body: { message: 'ticket_not_found' } })
    }
    const listed = await rest('rpc/list_tickets', token, { search: 'Honorar' })
    expect(listed).toEqual({ status: 200, body: [] })
  }
  finally {
    await journey.close()
  }
})
