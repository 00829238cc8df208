// Journey: the admin handles a guest's GDPR request under Verwaltung → Konten: downloads the
// export (the ZIP is opened here: daten.json about that person, the document the guest uploaded
// and the file it attached to a message),
// then erases the guest after typing the name; the confirmation says what goes and what stays
// (the uploaded document and the attachment, under retention). Afterwards the guest cannot sign in.
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { strFromU8, unzipSync } from 'fflate'
import { afterAll, expect, it } from 'vitest'
import { db } from '../helpers/personas.ts'
import { call, clientUser, closePortal, guestIn, newClient, newMatter, staffMember, uploadDocument } from '../helpers/portal.ts'
import { accessibilityViolations } from './accessibility.ts'
import { startJourney } from './browser.ts'
import { overview, signIn } from './steps.ts'

afterAll(closePortal)

it('an admin exports a guest\'s data as a ZIP and erases the guest', async () => {
  const admin = await staffMember('e2e-gdpr-admin', { admin: true })
  const client = await newClient(admin, 'E2E Gutachten KG')
  const matter = await newMatter(admin, client, 'Bauschaden Halle 3')
  const owner = await clientUser(admin, client, 'e2e-gdpr-owner')
  const guest = await guestIn(owner, matter, 'e2e-gdpr-guest')
  const upload = await uploadDocument(guest, matter, 'Sachverstaendigen-Gutachten.txt', 'Feuchtigkeit in der Bodenplatte')
  const thread = await call<string>(guest.client, 'start_conversation', {
    kind: 'thread', subject: 'Fotos vom Schaden', client_id: client.id, matter_id: matter.id, participant_ids: [admin.id],
  })
  const photo = await uploadDocument(guest, null, 'Riss-Nordwand.txt', 'Riss an der Nordwand, 40 cm')
  await call(guest.client, 'send_message', { conversation_id: thread, message_id: randomUUID(), body: 'Anbei der Befund.', attachment_ids: [photo.id] })
  const [profile] = await db()<Array<{ display_name: string }>>`select display_name from public.profiles where id = ${guest.id}`
  const guestName = profile!.display_name

  const journey = await startJourney('admin-gdpr')
  const { page } = journey
  try {
    await signIn(page, admin.email, admin.password)
    await overview(page)
    await page.getByRole('link', { name: 'Verwaltung' }).first().click()
    await page.getByRole('link', { name: 'Konten Alle Konten' }).click()
    await page.getByRole('heading', { level: 1, name: 'Konten' }).waitFor()
    await page.getByLabel('Name oder E-Mail').fill(guest.email)
    await page.waitForURL(url => url.searchParams.get('q') === guest.email)
    // By name and address: the list may still show the unfiltered rows for a moment.
    await page.getByRole('button', { name: new RegExp(`^${guestName.replace(/[()]/g, '\\$&')} ${guest.email.replace(/[.]/g, '\\.')}`) }).click()
    await page.getByRole('heading', { name: 'DSGVO' }).waitFor()
    await page.getByText(`Akten: ${matter.title}`).waitFor()
    await journey.screenshots('guest-chosen')
    expect(await accessibilityViolations(page)).toEqual([])

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Daten exportieren (ZIP)' }).click()])
    expect(download.suggestedFilename()).toBe(`dsgvo-export-${guest.id}.zip`)
    const files = unzipSync(new Uint8Array(readFileSync((await download.path())!)))
    const exported = JSON.parse(strFromU8(files['daten.json']!))
    expect(exported.profile).toMatchObject({ id: guest.id, display_name: guestName })
    expect(exported.matter_memberships).toMatchObject([{ role: 'guest', matter: matter.title }])
    expect(strFromU8(files[`dokumente/${upload.id}/Sachverstaendigen-Gutachten.txt`]!)).toBe('Feuchtigkeit in der Bodenplatte')
    expect(strFromU8(files[`anhaenge/${photo.id}/Riss-Nordwand.txt`]!)).toBe('Riss an der Nordwand, 40 cm')
    expect(exported.documents.map((document: { home: string }) => document.home).sort()).toEqual(['conversation', 'matter'])
    expect(exported).toMatchObject({ page_reads: [], appointment_responses: [], calendar_feed: null })

    await page.getByRole('button', { name: 'Person löschen (anonymisieren)' }).click()
    const confirmation = page.getByRole('alertdialog')
    await confirmation.getByText(/Es bleiben, anonymisiert: .*2 Dokumente/).waitFor()
    await journey.screenshots('erasure-confirmation')
    expect(await accessibilityViolations(page)).toEqual([])
    // A wrong name is refused and erases nothing.
    await confirmation.getByLabel(/Zur Bestätigung den Namen eingeben/).fill('jemand anderes')
    await confirmation.getByRole('button', { name: 'Person löschen (anonymisieren)' }).click()
    await page.getByText(/Name stimmt nicht/).waitFor()
    await confirmation.getByLabel(/Zur Bestätigung den Namen eingeben/).fill(guestName)
    await confirmation.getByRole('button', { name: 'Person löschen (anonymisieren)' }).click()
    await confirmation.waitFor({ state: 'detached' })
    await page.getByText('Niemand passt zu dieser Auswahl.').waitFor()
    await journey.screenshot('guest-erased')

    expect(await db()`select uploaded_by, retained_after_erasure_at is not null as kept from public.documents where id = ${upload.id}`)
      .toEqual([{ uploaded_by: null, kept: true }])
    await page.getByRole('button', { name: 'Abmelden', exact: true }).click()
    await signIn(page, guest.email, guest.password)
    await page.getByText('E-Mail-Adresse oder Passwort ist nicht korrekt.').waitFor()
    await journey.screenshot('guest-cannot-sign-in')
  }
  finally {
    await journey.close()
  }
})
