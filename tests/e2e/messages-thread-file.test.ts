// Journey: a staff member writes a new thread to a client user with a PDF attached; the client,
// in a second browser with its message list open, sees the thread arrive without a reload, opens
// it, looks at the PDF in the page (the browser's viewer, a short-lived signed URL), downloads it
// (the very bytes that were sent; both audited) and replies; the staff member's open
// thread shows the reply live and "Von allen gelesen" on the first message.
import { readFile } from 'node:fs/promises'
import { afterAll, expect, it } from 'vitest'
import { db } from '../helpers/personas.ts'
import { clientUser, closePortal, newClient, staffMember } from '../helpers/portal.ts'
import { accessibilityViolations } from './accessibility.ts'
import { startJourney } from './browser.ts'
import { overview, signIn } from './steps.ts'

afterAll(closePortal)

const pdf = { name: 'Mängelanzeige Entwurf.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% Mängelanzeige an den Generalunternehmer, Entwurf\n%%EOF\n') }

it('staff send a thread with a PDF, the client opens the file and answers, staff see it live and read', async () => {
  const staff = await staffMember('e2e-thread-staff')
  const client = await newClient(staff, 'E2E Hochbau GmbH')
  const owner = await clientUser(staff, client, 'e2e-thread-owner')
  const [stored] = await db()<Array<{ reference: string }>>`select reference_number as reference from public.clients where id = ${client.id}`
  const subject = `Mängelanzeige Lindenstraße ${client.id.slice(0, 4)}`
  const body = 'Guten Tag, anbei der Entwurf der Mängelanzeige. Bitte prüfen Sie, ob alle Mängel aufgeführt sind.'
  const reply = 'Danke, Punkt 3 ist vollständig. Bitte so abschicken.'

  const clientJourney = await startJourney('messages-thread-file')
  const staffJourney = await startJourney('messages-thread-file-staff-side')
  const { page } = clientJourney
  const desk = staffJourney.page
  try {
    await signIn(page, owner.email, owner.password)
    await overview(page)
    await page.getByRole('navigation', { name: 'Hauptnavigation' }).first().getByRole('link', { name: 'Nachrichten' }).click()
    await page.getByText('Noch keine Nachrichten').waitFor()
    await clientJourney.screenshots('no-messages-yet')
    // Anything that reloads the page would lose this mark.
    await page.evaluate(() => ((window as unknown as { stayedOpen: boolean }).stayedOpen = true))

    await signIn(desk, staff.email, staff.password)
    await overview(desk)
    await desk.goto(new URL('/nachrichten/neu', page.url()).href)
    await desk.getByRole('heading', { level: 1, name: 'Neue Nachricht' }).waitFor()
    // The client picker suggests as one types; the full label chooses.
    const picker = desk.getByLabel('Mandant')
    await picker.fill(client.name)
    const label = `${client.name} (${stored!.reference})`
    await desk.locator(`datalist option[value="${label}"]`).waitFor({ state: 'attached' })
    await picker.fill(label)
    await desk.getByRole('checkbox', { name: 'e2e-thread-owner (Test)' }).check()
    await desk.getByLabel('Betreff').fill(subject)
    await desk.getByLabel('Nachricht', { exact: true }).fill(body)
    await desk.getByRole('button', { name: 'Dateien anhängen' }).click()
    await desk.locator('input[type="file"]').setInputFiles(pdf)
    await desk.getByRole('button', { name: `${pdf.name} entfernen` }).waitFor()
    await expect.poll(() => desk.getByRole('progressbar').count(), { timeout: 15_000 }).toBe(0)
    await staffJourney.screenshots('new-thread-with-pdf')
    expect(await accessibilityViolations(desk)).toEqual([])
    await desk.getByRole('button', { name: 'Senden' }).click()
    await desk.waitForURL(url => /^\/nachrichten\/[0-9a-f-]{36}$/.test(url.pathname))
    await desk.getByRole('heading', { level: 1, name: subject }).waitFor()
    await desk.locator('[data-live-state="live"]').waitFor()
    const firstMessage = desk.locator('li[data-message]').filter({ hasText: body })
    await firstMessage.getByText('Gesendet', { exact: true }).waitFor()

    // The client's open list shows the thread without a reload, unread.
    const row = page.getByRole('link', { name: new RegExp(subject) })
    await row.waitFor()
    await expect.poll(() => row.textContent()).toContain('1 ungelesen')
    expect(await page.evaluate(() => (window as unknown as { stayedOpen?: boolean }).stayedOpen)).toBe(true)
    await clientJourney.screenshots('thread-arrived-live')
    await row.click()
    await page.getByRole('heading', { level: 1, name: subject }).waitFor()
    await page.getByText(body).waitFor()
    // First a look in the page: the PDF in the browser's viewer through a short-lived signed URL.
    await page.getByRole('button', { name: `Vorschau von „${pdf.name}“` }).click()
    const viewer = page.getByRole('dialog', { name: pdf.name })
    const frame = viewer.locator(`iframe[title="${pdf.name}"]`)
    await frame.waitFor()
    expect(await frame.getAttribute('src')).toMatch(/\/storage\/v1\/object\/sign\/documents\/.+\?token=/)
    await clientJourney.screenshots('pdf-preview')
    await page.keyboard.press('Escape')
    await viewer.waitFor({ state: 'hidden' })
    const download = page.waitForEvent('download')
    await page.getByRole('button', { name: `${pdf.name} herunterladen` }).click()
    const saved = await download
    expect(saved.suggestedFilename()).toBe(pdf.name)
    expect(await readFile((await saved.path())!)).toEqual(pdf.buffer)
    await clientJourney.screenshots('thread-with-the-pdf')
    expect(await accessibilityViolations(page)).toEqual([])

    await page.getByLabel('Antwort').fill(reply)
    await page.getByRole('button', { name: 'Senden' }).click()
    await page.getByText('Gesendet.').waitFor()
    await clientJourney.screenshots('replied')

    // The staff member's open thread: the reply arrives, and the first message is read by all.
    await desk.getByText(reply).waitFor()
    await firstMessage.getByText('Von allen gelesen', { exact: true }).waitFor()
    await staffJourney.screenshots('reply-arrived-and-read')
    expect(await accessibilityViolations(desk)).toEqual([])

    const [audit] = await db()<Array<{ downloads: number }>>`
      select count(*)::int as downloads from ops.audit_events as e
        join public.documents as d on d.id::text = e.entity_id join public.conversations as c on c.id = d.conversation_id
       where e.action = 'document.downloaded' and e.actor_id = ${owner.id} and c.subject = ${subject}`
    // The preview and the download, each audited.
    expect(audit).toEqual({ downloads: 2 })
  }
  finally {
    await staffJourney.close()
    await clientJourney.close()
  }
// Two browsers and several people: longer than a one-person journey.
}, 120_000)
