// Journey (issue 14): a client uploads a 20 MB PDF into its matter — above one 6 MiB TUS part, so
// it goes resumable — and the connection drops in the middle of the second part: half of that
// part reaches Storage, then the request is cut. The upload asks Storage where it stands (HEAD),
// continues from exactly the bytes that arrived, and ends as one complete document whose size and
// SHA-256 equal the file's; the client downloads those bytes again. And a browser that goes
// offline in the middle waits for the connection instead of failing, then goes on from Storage's
// offset.
import { afterAll, expect, it } from 'vitest'
import type { Request, Route } from 'playwright-core'
import { db } from '../helpers/personas.ts'
import { clientUser, closePortal, newClient, newMatter, sha256, staffMember } from '../helpers/portal.ts'
import { accessibilityViolations } from './accessibility.ts'
import { startJourney } from './browser.ts'
import { downloadDocument, overview, pdfOf, signIn } from './steps.ts'

afterAll(closePortal)

const partBytes = 6 * 1024 * 1024

it('an upload cut off mid-way resumes from the bytes Storage kept and ends complete with an equal SHA-256', async () => {
  const staff = await staffMember('e2e-resume-staff')
  const client = await newClient(staff, 'E2E Hausverwaltung')
  const owner = await clientUser(staff, client, 'e2e-resume-owner')
  const matter = await newMatter(staff, client, 'Nebenkostenabrechnung')
  const pdf = { name: 'Belege Nebenkosten 2025.pdf', mimeType: 'application/pdf', buffer: pdfOf(20) }

  const journey = await startJourney('documents-resume')
  const { page, context } = journey
  // What the browser sent to the resumable endpoint, in order; the second part is cut after half.
  const sent: Array<{ method: string, offset: number }> = []
  let cut = false
  await context.route(url => url.pathname.startsWith('/storage/v1/upload/resumable/'), async (route: Route, request: Request) => {
    const offset = Number(request.headers()['upload-offset'] ?? -1)
    sent.push({ method: request.method(), offset })
    if (cut || request.method() !== 'PATCH' || offset !== partBytes) return route.continue()
    cut = true
    const half = request.postDataBuffer()!.subarray(0, partBytes / 2)
    await route.fetch({ postData: half, headers: { ...request.headers(), 'content-length': String(half.byteLength) } })
    await route.abort('connectionreset')
  })
  try {
    await signIn(page, owner.email, owner.password)
    await overview(page)
    await page.goto(new URL(`/dokumente?matter=${matter.id}`, page.url()).href)
    await page.getByRole('button', { name: 'Dateien auswählen' }).waitFor()
    await page.getByTestId('document-files').setInputFiles(pdf)
    await page.getByRole('progressbar', { name: new RegExp(`${pdf.name}: \\d+ % hochgeladen`) }).waitFor()
    await page.getByRole('button', { name: `„${pdf.name}“ herunterladen` }).waitFor({ timeout: 120_000 })
    await journey.screenshots('resumed-and-complete')
    expect(await accessibilityViolations(page)).toEqual([])

    // Cut once mid-part; then Storage was asked for its offset and the upload went on from there.
    expect(cut).toBe(true)
    const afterCut = sent.slice(sent.findIndex(request => request.method === 'PATCH' && request.offset === partBytes) + 1)
    expect(afterCut[0]).toEqual({ method: 'HEAD', offset: -1 })
    expect(afterCut[1]).toEqual({ method: 'PATCH', offset: partBytes + partBytes / 2 })
    expect(sent.filter(request => request.method === 'PATCH' && request.offset === 0)).toHaveLength(1)

    const [stored] = await db()<Array<{ size: number, sha256: string, check: string }>>`
      select size_bytes::int as size, sha256, content_check as check from public.documents
       where matter_id = ${matter.id} and name = ${pdf.name} and deleted_at is null`
    expect(stored).toEqual({ size: pdf.buffer.byteLength, sha256: sha256(pdf.buffer), check: 'passed' })

    const { fileName, bytes } = await downloadDocument(page, pdf.name)
    expect(fileName).toBe(pdf.name)
    expect(bytes.byteLength).toBe(pdf.buffer.byteLength)
    expect(sha256(bytes)).toBe(sha256(pdf.buffer))
  }
  finally {
    await journey.close()
  }
}, 240_000)

it('an upload whose browser goes offline waits for the connection and goes on from Storage\'s offset', async () => {
  const staff = await staffMember('e2e-offline-staff')
  const client = await newClient(staff, 'E2E Funkloch GmbH')
  const owner = await clientUser(staff, client, 'e2e-offline-owner')
  const matter = await newMatter(staff, client, 'Baustelle ohne Netz')
  const pdf = { name: 'Aufmass Tiefgarage.pdf', mimeType: 'application/pdf', buffer: pdfOf(14) }

  const journey = await startJourney('documents-offline')
  const { page, context } = journey
  const sent: Array<{ method: string, offset: number }> = []
  let dropped = false
  await context.route(url => url.pathname.startsWith('/storage/v1/upload/resumable/'), async (route: Route, request: Request) => {
    const offset = Number(request.headers()['upload-offset'] ?? -1)
    sent.push({ method: request.method(), offset })
    if (dropped || request.method() !== 'PATCH' || offset !== partBytes) return route.continue()
    // The connection goes as the second part starts: nothing of it arrives.
    dropped = true
    await context.setOffline(true)
    await route.abort('internetdisconnected')
  })
  try {
    await signIn(page, owner.email, owner.password)
    await overview(page)
    await page.goto(new URL(`/dokumente?matter=${matter.id}`, page.url()).href)
    await page.getByRole('button', { name: 'Dateien auswählen' }).waitFor()
    await page.getByTestId('document-files').setInputFiles(pdf)
    await expect.poll(() => dropped, { timeout: 60_000 }).toBe(true)
    // Offline for a while, longer than tus' own retries would take: the upload waits, it does not fail.
    await page.waitForTimeout(3000)
    expect(await page.getByRole('button', { name: `${pdf.name} erneut hochladen` }).count()).toBe(0)
    expect(sent.filter(request => request.method === 'PATCH' && request.offset === partBytes)).toHaveLength(1)
    await context.setOffline(false)
    await page.getByRole('button', { name: `„${pdf.name}“ herunterladen` }).waitFor({ timeout: 120_000 })

    const afterDrop = sent.slice(sent.findIndex(request => request.method === 'PATCH' && request.offset === partBytes) + 1)
    expect(afterDrop[0]).toEqual({ method: 'HEAD', offset: -1 })
    expect(afterDrop[1]).toEqual({ method: 'PATCH', offset: partBytes })
    const [stored] = await db()<Array<{ size: number, sha256: string }>>`
      select size_bytes::int as size, sha256 from public.documents
       where matter_id = ${matter.id} and name = ${pdf.name} and deleted_at is null`
    expect(stored).toEqual({ size: pdf.buffer.byteLength, sha256: sha256(pdf.buffer) })
  }
  finally {
    await journey.close()
  }
}, 240_000)
