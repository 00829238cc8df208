// Journey: staff run a new client from Verwaltung alone — create it (Mandanten → anlegen), invite
// its first user from the client's page (the mail arrives), put the client into a new group
// (Gruppen, searchable picker). The invitee accepts in a second browser and sees the group: the
// group has no page in this journey (/seiten lists only pages), so the group shows as the
// membership the database hands the user's own browser session, and on the staff's client page
// (groups and the access review).
import { randomUUID } from 'node:crypto'
import { afterAll, expect, it } from 'vitest'
import { latestMail } from '../helpers/auth.ts'
import { testEnv } from '../helpers/env.ts'
import { uniqueEmail } from '../helpers/personas.ts'
import { closePortal, staffMember } from '../helpers/portal.ts'
import { accessibilityViolations } from './accessibility.ts'
import { startJourney } from './browser.ts'
import { browserAccessToken, newAccountFromInvitation, overview, portalLink, signIn } from './steps.ts'

afterAll(closePortal)

it('staff create a client, invite its user, put it in a group, and the user sees the group', async () => {
  const staff = await staffMember('e2e-clients-staff')
  const tag = randomUUID().slice(0, 6)
  const clientName = `Brandt Logistik ${tag}`
  const groupName = `Spediteure ${tag}`
  const invitee = uniqueEmail('e2e-new-client-user')

  const staffJourney = await startJourney('admin-client-group')
  const userJourney = await startJourney('admin-client-group-user')
  const desk = staffJourney.page
  const page = userJourney.page
  try {
    await signIn(desk, staff.email, staff.password)
    await overview(desk)
    await desk.getByRole('link', { name: 'Verwaltung' }).first().click()
    await desk.getByRole('link', { name: 'Mandanten suchen' }).click()
    await desk.getByRole('heading', { level: 1, name: 'Mandanten' }).waitFor()
    await desk.getByRole('link', { name: 'Mandant anlegen' }).click()
    await desk.getByLabel('Art').selectOption({ label: 'Unternehmen' })
    await desk.getByLabel('Name', { exact: true }).fill(clientName)
    await desk.getByLabel('Aktenzeichen (eindeutig)').fill(`M-${tag}`)
    await desk.getByLabel('E-Mail (Kontakt)').fill(`kontakt-${tag}@example.com`)
    await desk.getByLabel('Notizen der Kanzlei').fill('Kommt über Empfehlung von Dr. Weber.')
    await staffJourney.screenshots('client-form')
    expect(await accessibilityViolations(desk)).toEqual([])
    await desk.getByRole('button', { name: 'Speichern' }).click()
    await desk.waitForURL(url => /^\/verwaltung\/mandanten\/[0-9a-f-]{36}$/.test(url.pathname))
    await desk.getByRole('heading', { level: 1, name: clientName }).waitFor()
    const clientPage = desk.url()
    await desk.getByText('Noch niemand hat Zugang.').waitFor()

    // The client's own page has its invitation form with the client already chosen.
    await desk.getByLabel('E-Mail-Adresse', { exact: true }).fill(invitee)
    await desk.getByRole('button', { name: 'Einladung senden' }).click()
    await desk.getByText(`Die Einladung an ${invitee} ist unterwegs.`).waitFor()
    const mail = await latestMail(invitee, 15_000)
    expect(mail.subject).toMatch(/Einladung/)
    await staffJourney.screenshots('client-created-user-invited')
    expect(await accessibilityViolations(desk)).toEqual([])

    // Gruppen: a new group, then the client found by the picker's search and added.
    await desk.getByRole('link', { name: 'Zurück zur Verwaltung' }).click()
    await desk.getByRole('link', { name: 'Gruppen von Mandanten' }).click()
    await desk.getByRole('heading', { level: 1, name: 'Gruppen' }).waitFor()
    const createForm = desk.locator('form').filter({ has: desk.getByRole('button', { name: 'Gruppe anlegen' }) })
    await createForm.getByLabel('Name').fill(groupName)
    await createForm.getByLabel('Beschreibung').fill('Mandanten aus Transport und Logistik')
    await createForm.getByRole('button', { name: 'Gruppe anlegen' }).click()
    await desk.getByRole('button', { name: new RegExp(groupName) }).click()
    await desk.waitForURL(url => url.searchParams.has('gruppe'))
    await desk.getByLabel('Mandant hinzufügen (Suche)').fill(tag)
    await desk.getByRole('button', { name: 'Suchen' }).click()
    await desk.getByRole('button', { name: `${clientName} hinzufügen` }).click()
    await desk.getByRole('button', { name: `${clientName} aus der Gruppe entfernen` }).waitFor()
    await staffJourney.screenshots('client-in-group')
    expect(await accessibilityViolations(desk)).toEqual([])

    // The invitee: password, authenticator app, then its own session reads the group.
    await newAccountFromInvitation(page, portalLink(mail))
    const groups = await fetch(`${testEnv.supabaseUrl}/rest/v1/client_groups?select=name`, {
      headers: { apikey: testEnv.anonKey, Authorization: `Bearer ${await browserAccessToken(page)}` },
    })
    expect(await groups.json()).toEqual([{ name: groupName }])
    await userJourney.screenshots('user-signed-in')

    // Back on the client's page the user is there (owner, app factor) and the group too.
    await desk.goto(clientPage)
    await desk.getByRole('heading', { level: 1, name: clientName }).waitFor()
    await desk.getByText(`Gruppe ${groupName}`).waitFor()
    await desk.getByRole('combobox', { name: /^Rolle von / }).waitFor()
    await staffJourney.screenshots('client-page-with-user-and-group')
    expect(await accessibilityViolations(desk)).toEqual([])
  }
  finally {
    await staffJourney.close()
    await userJourney.close()
  }
})
