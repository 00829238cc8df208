// Journey (issue 14): a staff member uploads a 30 MB PDF into a matter and watches its progress
// (resumable, in 6 MiB parts); the client's open page does not show it, and the API refuses the
// client its download; staff release it with a note; the client's page shows it without a reload,
// the client previews it and downloads it: bytes and SHA-256 equal what staff uploaded.
import { afterAll, expect, it } from 'vitest'
import { db } from '../helpers/personas.ts'
import { clientUser, closePortal, newClient, newMatter, refusal, sha256, staffMember } from '../helpers/portal.ts'
import { accessibilityViolations } from './accessibility.ts'
import { startJourney } from './browser.ts'
import { downloadDocument, overview, pdfOf, signIn } from './steps.ts'

afterAll(closePortal)

it('staff upload a 30 MB PDF, release it, and the client previews and downloads exactly those bytes', async () => {
  const staff = await staffMember('e2e-docs-staff')
  const client = await newClient(staff, 'E2E Erbengemeinschaft')
  const owner = await clientUser(staff, client, 'e2e-docs-owner')
  const matter = await newMatter(staff, client, 'Nachlass Berger')
  const pdf = { name: 'Gutachten Bauzustand.pdf', mimeType: 'application/pdf', buffer: pdfOf(30) }
  const documentsOfMatter = `/dokumente?matter=${matter.id}`

  const staffJourney = await startJourney('documents-staff')
  const clientJourney = await startJourney('documents-client')
  const desk = staffJourney.page
  const page = clientJourney.page
  try {
    await signIn(page, owner.email, owner.password)
    await overview(page)
    await page.goto(new URL(documentsOfMatter, page.url()).href)
    await page.getByText('Noch keine Dokumente').waitFor()
    await page.evaluate(() => ((window as unknown as { stayedOpen: boolean }).stayedOpen = true))

    await signIn(desk, staff.email, staff.password)
    await overview(desk)
    await desk.goto(new URL(documentsOfMatter, desk.url()).href)
    await desk.getByRole('button', { name: 'Dateien auswählen' }).waitFor()
    await desk.getByTestId('document-files').setInputFiles(pdf)
    const progress = desk.getByRole('progressbar', { name: new RegExp(`${pdf.name}: \\d+ % hochgeladen`) })
    await progress.waitFor()
    await staffJourney.screenshots('upload-in-progress')
    await desk.getByRole('listitem').filter({ hasText: pdf.name }).getByText('Nicht freigegeben').waitFor({ timeout: 120_000 })
    await staffJourney.screenshots('uploaded-not-released')
    expect(await accessibilityViolations(desk)).toEqual([])

    const [stored] = await db()<Array<{ id: string, size: number, sha256: string, check: string }>>`
      select id, size_bytes::int as size, sha256, content_check as check from public.documents
       where matter_id = ${matter.id} and name = ${pdf.name}`
    expect(stored).toMatchObject({ size: pdf.buffer.byteLength, sha256: sha256(pdf.buffer), check: 'passed' })
    // Not released: the client's page still shows nothing and the API refuses the download.
    expect(await page.getByText(pdf.name).count()).toBe(0)
    expect(await refusal(owner.client, 'document_download_url', { document_id: stored!.id })).toMatchObject({ status: 400, message: 'document_not_found' })

    await desk.getByRole('checkbox', { name: `„${pdf.name}“ zur Freigabe auswählen` }).check()
    await desk.getByLabel('Hinweis an den Mandanten (freiwillig)').fill('Bitte lesen Sie Abschnitt 3 vor unserem Termin.')
    await staffJourney.screenshots('release-with-note')
    await desk.getByRole('button', { name: 'Freigeben' }).click()
    await desk.getByText('Ein Dokument freigegeben.').waitFor()

    // The client's open page shows it live.
    const row = page.getByRole('listitem').filter({ hasText: pdf.name })
    await row.getByText('Freigegeben').waitFor()
    await row.getByText('Hinweis der Kanzlei: Bitte lesen Sie Abschnitt 3 vor unserem Termin.').waitFor()
    expect(await page.evaluate(() => (window as unknown as { stayedOpen?: boolean }).stayedOpen)).toBe(true)
    await clientJourney.screenshots('released-document')
    expect(await accessibilityViolations(page)).toEqual([])

    await page.getByRole('button', { name: `„${pdf.name}“ ansehen` }).click()
    const preview = page.getByRole('dialog', { name: pdf.name })
    expect(await preview.locator('iframe').getAttribute('src')).toMatch(/\/storage\/v1\/object\/sign\/documents\//)
    await clientJourney.screenshot('preview')
    await page.keyboard.press('Escape')
    await preview.waitFor({ state: 'detached' })

    const { fileName, bytes } = await downloadDocument(page, pdf.name)
    expect(fileName).toBe(pdf.name)
    expect(bytes.byteLength).toBe(pdf.buffer.byteLength)
    expect(sha256(bytes)).toBe(sha256(pdf.buffer))

    // Staff see who downloaded which version (the preview counts as one).
    await desk.getByRole('button', { name: `Versionen und Verlauf von „${pdf.name}“` }).click()
    await expect.poll(() => desk.getByTestId('document-downloads').getByRole('listitem').count()).toBe(2)
    await staffJourney.screenshots('download-history')
  }
  finally {
    await staffJourney.close()
    await clientJourney.close()
  }
}, 300_000)
