// Journey: a member of the firm writes a Sonderseite for the seed's group "Bau und Logistik" —
// Markdown through the toolbar, a link, an image uploaded into the page's Storage folder, an
// appointment — previews it as two clients' people and publishes it. Klaus Müller (Müller Bau) and
// Peter Hansen (Nordlicht) see it with its image; Müller Bau confirms the appointment and takes it
// into a calendar as .ics (parsed here); Anna Schmidt sees it neither in the portal nor through the
// API with her own browser's token, nor its image. A <script> and an onerror= in the Markdown
// never run in a client's browser. At phone width the editor switches between text and preview;
// the page's reader cannot delete its image through Storage; at the end staff delete it (warned
// that the text still names it) and Storage no longer has it.
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { crc32, deflateSync } from 'node:zlib'
import ICAL from 'ical.js'
import type { Page } from 'playwright-core'
import { afterAll, expect, it } from 'vitest'
import { testEnv } from '../helpers/env.ts'
import { db } from '../helpers/personas.ts'
import { closePortal, staffMember } from '../helpers/portal.ts'
import { accessibilityViolations } from './accessibility.ts'
import { startJourney, type Journey } from './browser.ts'
import { browserAccessToken, overview, rest, signIn } from './steps.ts'

afterAll(closePortal)

// The seed's people (supabase/seed.sql): one user of each client, all with the demo password.
const demoPassword = 'Demo-Zugang-lokal-2026'
const builder = 'k.mueller@mueller-bau.example'
const carrier = 'p.hansen@nordlicht.example'
const heir = 'anna.schmidt@example.org'

/** A site plan as a real PNG (grey with a darker block), big enough to be seen in the screenshots. */
function sitePlan(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type), data])))
    return Buffer.concat([length, Buffer.from(type), data, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 2, 0, 0, 0], 8)
  const rows = Array.from({ length: height }, (_, y) => Buffer.concat([Buffer.from([0]), ...Array.from({ length: width }, (_, x) =>
    Buffer.from(x > width / 3 && x < width * 2 / 3 && y > height / 4 && y < height * 3 / 4 ? [70, 90, 120] : [210, 214, 220]))]))
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))])
}
const lageplan = { name: 'Lageplan.png', mimeType: 'image/png', buffer: sitePlan(240, 120) }

/** Sets up a trap for injected code: any dialog or a set `window.__xss` counts as executed. */
async function watchForInjectedCode(page: Page): Promise<() => Promise<unknown[]>> {
  const dialogs: string[] = []
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  return async () => [...dialogs, ...(await page.evaluate(() => (window as unknown as { __xss?: unknown[] }).__xss ?? []))]
}

async function openPageFromList(journey: Journey, title: string) {
  const { page } = journey
  await page.goto(new URL('/seiten', page.url()).href)
  await page.getByRole('link', { name: title }).click()
  await page.getByRole('heading', { level: 1, name: title }).waitFor()
}

it('staff publish a group page with an image and an appointment; the group\'s clients see it, Anna Schmidt does not', async () => {
  const staff = await staffMember('e2e-pages-editor')
  const title = `Baustellenordnung Lindenstraße ${randomUUID().slice(0, 6)}`
  // Always ahead and always in winter time: 09:00 in Berlin is 08:00 UTC.
  const year = new Date().getUTCFullYear() + 1
  const startsAt = `${year}-01-15T08:00:00.000Z`
  const injected = 'Bitte beachten: <script>(window.__xss ??= []).push("script")</script> '
    + '<img src="x" onerror="(window.__xss ??= []).push(\'onerror\')"> [Klick](javascript:alert(1))'

  const desk = await startJourney('pages-editor')
  const staffPage = desk.page
  try {
    await signIn(staffPage, staff.email, staff.password)
    await overview(staffPage)
    await staffPage.getByRole('navigation', { name: 'Hauptnavigation' }).first().getByRole('link', { name: 'Seiten' }).click()
    await staffPage.getByRole('link', { name: 'Neue Seite' }).click()
    await staffPage.getByRole('heading', { level: 1, name: 'Neue Seite' }).waitFor()

    await staffPage.getByLabel('Titel', { exact: true }).fill(title)
    const body = staffPage.getByLabel('Inhalt (Markdown)')
    await body.fill('Liebe Mandantinnen und Mandanten,\n\nfür die Baustelle gilt ab sofort:\n\n')
    await body.press('End')
    // The toolbar: a heading line, then a bold word typed over its placeholder.
    await staffPage.getByRole('button', { name: 'Überschrift' }).click()
    await staffPage.keyboard.type('Zutritt')
    await body.press('End')
    await body.pressSequentially('\n\nNur mit ')
    await staffPage.getByRole('button', { name: 'Fett' }).click()
    await staffPage.keyboard.type('Helm')
    await body.press('End')
    await body.pressSequentially(`. Die [Merkblätter der BG BAU](https://www.bgbau.de/) gelten.\n\n${injected}\n`)
    await expect.poll(() => body.inputValue()).toContain('## Zutritt\n\nNur mit **Helm**.')
    await staffPage.getByRole('region', { name: 'Vorschau', exact: true }).getByRole('heading', { name: 'Zutritt' }).waitFor()

    await staffPage.getByLabel('Mandant oder Gruppe suchen').fill('Bau und Logistik')
    await staffPage.getByRole('button', { name: 'Suchen', exact: true }).click()
    await staffPage.getByRole('button', { name: 'Bau und Logistik hinzufügen' }).click()
    await staffPage.getByRole('button', { name: 'Bau und Logistik entfernen' }).waitFor()
    await staffPage.getByRole('button', { name: 'Speichern', exact: true }).click()
    await staffPage.waitForURL(url => /^\/seiten\/[a-z0-9-]+\/bearbeiten$/.test(url.pathname))
    const slug = new URL(staffPage.url()).pathname.split('/')[2]!
    await staffPage.getByRole('heading', { level: 1, name: 'Seite bearbeiten' }).waitFor()
    await staffPage.getByText('Entwurf – Mandanten sehen die Seite noch nicht.').waitFor()

    // The image goes into the page's folder and into the text where the cursor is.
    await staffPage.getByLabel('Inhalt (Markdown)').press('ControlOrMeta+End')
    await staffPage.locator('input[type="file"]').setInputFiles(lageplan)
    await staffPage.getByText('Lageplan.png ist eingefügt.').waitFor()
    expect(await body.inputValue()).toContain('![Lageplan](datei:Lageplan.png)')
    const preview = staffPage.getByRole('region', { name: 'Vorschau', exact: true })
    await expect.poll(() => preview.getByRole('img', { name: 'Lageplan' }).evaluate(image => (image as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(240)
    // At phone width one half at a time: the text, or (switched) the preview with the image.
    await staffPage.setViewportSize({ width: 360, height: 780 })
    const halves = staffPage.getByRole('group', { name: 'Ansicht' })
    await expect.poll(() => preview.isVisible()).toBe(false)
    await halves.getByRole('button', { name: 'Vorschau' }).click()
    await preview.getByRole('img', { name: 'Lageplan' }).waitFor()
    expect(await body.isVisible()).toBe(false)
    await desk.screenshot('editor-preview-switched-360')
    await halves.getByRole('button', { name: 'Text' }).click()
    await body.waitFor()
    await staffPage.setViewportSize({ width: 1280, height: 800 })
    await expect.poll(() => preview.isVisible()).toBe(true)
    await staffPage.getByRole('button', { name: 'Speichern', exact: true }).click()
    await staffPage.getByText('Gespeichert.').waitFor()

    await staffPage.getByRole('button', { name: 'Termin hinzufügen' }).click()
    await staffPage.getByLabel('Titel des Termins').fill('Baustellenbegehung mit dem Gutachter')
    await staffPage.getByLabel('Beginn', { exact: true }).fill(`${year}-01-15T09:00`)
    await staffPage.getByLabel('Ende', { exact: true }).fill(`${year}-01-15T10:30`)
    await staffPage.getByLabel('Ort', { exact: true }).fill('Baustelle Lindenstraße 12, Tor 2')
    await staffPage.getByLabel('Hinweise', { exact: true }).fill('Bitte Sicherheitsschuhe mitbringen.')
    await desk.screenshots('appointment-form')
    expect(await accessibilityViolations(staffPage)).toEqual([])
    await staffPage.getByRole('button', { name: 'Termin speichern' }).click()
    await staffPage.getByText('Termin gespeichert.').waitFor()
    await staffPage.getByRole('button', { name: '„Baustellenbegehung mit dem Gutachter“ bearbeiten' }).waitFor()

    // "Vorschau als Mandant": as the database would show it to Anna Schmidt (nothing) and to Müller Bau.
    const previewAs = staffPage.getByRole('region', { name: 'Vorschau als Mandant' })
    const pickClient = async (label: string, typed: string) => {
      const field = previewAs.getByLabel('Mandant', { exact: true })
      await field.fill(typed)
      await previewAs.locator(`datalist option[value="${label}"]`).waitFor({ state: 'attached' })
      await field.fill(label)
      // The placeholder counts as a checked option, so wait for a person to be chosen.
      await expect.poll(() => previewAs.getByLabel('Person').inputValue()).not.toBe('')
      await previewAs.getByRole('button', { name: 'Vorschau anzeigen' }).click()
    }
    await pickClient('Anna Schmidt (M-2026-002)', 'Anna')
    await previewAs.getByText('Anna Schmidt sieht diese Seite nicht').waitFor()
    await pickClient('Müller Bau GmbH (M-2026-001)', 'Müller')
    await previewAs.getByText(/^So sieht .* die Seite:$/).waitFor()
    await previewAs.getByRole('heading', { name: 'Baustellenbegehung mit dem Gutachter' }).waitFor()
    await expect.poll(() => previewAs.getByRole('img', { name: 'Lageplan' }).evaluate(image => (image as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(240)
    // The preview published nothing.
    await staffPage.getByText('Entwurf – Mandanten sehen die Seite noch nicht.').waitFor()

    await staffPage.getByRole('button', { name: 'Veröffentlichen' }).click()
    await staffPage.getByText('Veröffentlicht. Die Mandanten werden benachrichtigt.').waitFor()
    const history = staffPage.getByRole('region', { name: 'Verlauf' })
    await history.getByText('hat die Seite veröffentlicht').waitFor()
    await history.getByText('hat Bau und Logistik hinzugefügt').waitFor()
    await history.getByText('hat den Text geändert').waitFor()
    await desk.screenshots('published')
    expect(await accessibilityViolations(staffPage)).toEqual([])

    const pageId = ((await rest(`pages?select=id&slug=eq.${slug}`, await browserAccessToken(staffPage))).body as Array<{ id: string }>)[0]!.id

    // Müller Bau: the page with its image, the link opening outside, no injected code; confirm, .ics.
    const builderJourney = await startJourney('pages-editor-mueller-bau')
    const page = builderJourney.page
    try {
      const executed = await watchForInjectedCode(page)
      await signIn(page, builder, demoPassword)
      await overview(page)
      await openPageFromList(builderJourney, title)
      const article = page.getByRole('article')
      await article.getByRole('heading', { name: 'Zutritt' }).waitFor()
      await expect.poll(() => article.getByRole('img', { name: 'Lageplan' }).evaluate(image => (image as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(240)
      const image = await article.getByRole('img', { name: 'Lageplan' }).getAttribute('src')
      expect(image?.startsWith(`${testEnv.supabaseUrl}/storage/v1/object/sign/page-files/`)).toBe(true)
      const link = article.getByRole('link', { name: 'Merkblätter der BG BAU' })
      expect(await link.getAttribute('href')).toBe('https://www.bgbau.de/')
      expect(await link.getAttribute('target')).toBe('_blank')
      expect(await link.getAttribute('rel')).toContain('noopener')
      // Written as text, never as markup or a link that runs code.
      await article.getByText('<script>', { exact: false }).first().waitFor()
      expect(await article.locator('script, [onerror], a[href^="javascript"]').count()).toBe(0)
      expect(await executed()).toEqual([])

      await page.getByRole('button', { name: 'Zusagen' }).click()
      await page.getByText('Sie haben zugesagt.').waitFor()
      await builderJourney.screenshots('page-with-appointment-confirmed')
      expect(await accessibilityViolations(page)).toEqual([])
      const download = page.waitForEvent('download')
      await page.getByRole('button', { name: 'In den Kalender (.ics)' }).click()
      const saved = await download
      const calendar = new ICAL.Component(ICAL.parse(await readFile((await saved.path())!, 'utf8')))
      const [event] = calendar.getAllSubcomponents('vevent').map(component => new ICAL.Event(component))
      expect(event?.summary).toBe('Baustellenbegehung mit dem Gutachter')
      expect(event?.location).toBe('Baustelle Lindenstraße 12, Tor 2')
      expect(event?.startDate.toJSDate().toISOString()).toBe(startsAt)
      expect(event?.endDate.toJSDate().toISOString()).toBe(`${year}-01-15T09:30:00.000Z`)
      expect(await executed()).toEqual([])
      // A reader of the page cannot delete its image through Storage with its own token (RLS: staff only).
      const removal = await fetch(`${testEnv.supabaseUrl}/storage/v1/object/page-files`, {
        method: 'DELETE',
        headers: { 'apikey': testEnv.anonKey, 'Authorization': `Bearer ${await browserAccessToken(page)}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ prefixes: [`${pageId}/Lageplan.png`] }),
      })
      expect(await removal.json()).toEqual([])
      await page.reload()
      await expect.poll(() => page.getByRole('article').getByRole('img', { name: 'Lageplan' })
        .evaluate(image => (image as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(240)
    }
    finally {
      await builderJourney.close()
    }

    // Nordlicht (Peter Hansen reads the portal in English): the same page through the group.
    const carrierJourney = await startJourney('pages-editor-nordlicht')
    try {
      const executed = await watchForInjectedCode(carrierJourney.page)
      await signIn(carrierJourney.page, carrier, demoPassword)
      await carrierJourney.page.waitForURL(url => url.pathname === '/')
      await openPageFromList(carrierJourney, title)
      await expect.poll(() => carrierJourney.page.getByRole('article').getByRole('img', { name: 'Lageplan' })
        .evaluate(image => (image as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(240)
      await carrierJourney.screenshots('group-page-for-nordlicht')
      expect(await executed()).toEqual([])
    }
    finally {
      await carrierJourney.close()
    }

    // Anna Schmidt: not in her list, refused by address, and refused by the API with her own token.
    const heirJourney = await startJourney('pages-editor-anna-schmidt')
    const refused = heirJourney.page
    try {
      await signIn(refused, heir, demoPassword)
      await overview(refused)
      await refused.goto(new URL('/seiten', refused.url()).href)
      await refused.getByRole('heading', { level: 1, name: 'Seiten' }).waitFor()
      await refused.getByRole('link').filter({ hasText: 'Nachlass' }).first().waitFor()
      expect(await refused.getByRole('link', { name: title }).count()).toBe(0)
      await refused.goto(new URL(`/seiten/${slug}`, refused.url()).href)
      await refused.getByText('Diese Seite gibt es nicht oder sie ist nicht für Sie bestimmt.').waitFor()
      await heirJourney.screenshots('not-for-anna-schmidt')

      const token = await browserAccessToken(refused)
      expect(await rest(`pages?select=id&slug=eq.${slug}`, token)).toEqual({ status: 200, body: [] })
      expect(await rest('rpc/get_page', token, { slug })).toMatchObject({ status: 400, body: { message: 'page_not_found' } })
      expect(await rest(`appointments?select=id&title=eq.${encodeURIComponent('Baustellenbegehung mit dem Gutachter')}`, token)).toEqual({ status: 200, body: [] })
      const signing = await fetch(`${testEnv.supabaseUrl}/storage/v1/object/sign/page-files`, {
        method: 'POST',
        headers: { 'apikey': testEnv.anonKey, 'Authorization': `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ expiresIn: 60, paths: [`${pageId}/Lageplan.png`] }),
      })
      expect(await signing.json()).toEqual([expect.objectContaining({ signedURL: null })])
      const direct = await fetch(`${testEnv.supabaseUrl}/storage/v1/object/authenticated/page-files/${pageId}/Lageplan.png`, {
        headers: { apikey: testEnv.anonKey, Authorization: `Bearer ${token}` },
      })
      expect(direct.status).toBeGreaterThanOrEqual(400)
    }
    finally {
      await heirJourney.close()
    }

    // Staff delete the image: asked first, told the text still names it; then Storage has it no more.
    const files = staffPage.getByRole('region', { name: 'Dateien dieser Seite' })
    await files.getByRole('button', { name: 'Lageplan.png löschen' }).click()
    await files.getByText('Der Text verweist noch auf „datei:Lageplan.png“', { exact: false }).waitFor()
    await desk.screenshots('deleting-a-page-file')
    expect(await accessibilityViolations(staffPage)).toEqual([])
    await files.getByRole('button', { name: 'Endgültig löschen' }).click()
    await files.getByText('Lageplan.png ist gelöscht.').waitFor()
    expect(await files.getByRole('button', { name: 'Lageplan.png löschen' }).count()).toBe(0)
    const [left] = await db()<Array<{ count: number }>>`
      select count(*)::int as count from storage.objects where bucket_id = 'page-files' and name like ${`%/Lageplan.png`}
        and split_part(name, '/', 1) = (select id::text from public.pages where slug = ${slug})`
    expect(left?.count).toBe(0)
  }
  finally {
    await desk.close()
  }
// Four browsers one after another, and an upload.
}, 240_000)
