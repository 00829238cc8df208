// Journey: a staff member, confirmed with the authenticator app, works under "Verwaltung": invites a
// new client user through the form (the `invite` edge function, then the mail), and resets the
// second factor of a client user who lost their phone (the `reset-factors` edge function), which
// the database carries out and audits. The reset is offered only where the database allows it:
// not beside the admin, nor beside someone without a factor, nor again once it is done. People and
// clients are found by searching (list_people; the client picker), never from a list of everyone.
import { afterAll, expect, it } from 'vitest'
import { latestMail } from '../helpers/auth.ts'
import { db, uniqueEmail } from '../helpers/personas.ts'
import { clientUser, closePortal, enrolTotp, newClient, staffMember } from '../helpers/portal.ts'
import { startJourney } from './browser.ts'
import { enterCode, overview, pickFromSearch, portalLink, signIn, stepUpPage } from './steps.ts'

afterAll(closePortal)

it('staff invite a client user and reset another one’s second factor from the administration', async () => {
  const staff = await staffMember('e2e-admin-staff')
  const staffApp = await enrolTotp(staff.client)
  const client = await newClient(staff, 'E2E Verwaltung GmbH')
  const target = await clientUser(staff, client, 'e2e-lost-phone')
  await enrolTotp(target.client)
  const withoutFactor = await clientUser(staff, client, 'e2e-no-factor')
  const admin = await staffMember('e2e-admin-boss', { admin: true })
  await enrolTotp(admin.client)
  const names = await db()<Array<{ id: string, display_name: string }>>`
    select id, display_name from public.profiles where id in (${target.id}, ${withoutFactor.id}, ${admin.id})`
  const nameOf = (id: string) => names.find(row => row.id === id)!.display_name
  const targetName = nameOf(target.id)
  const invitee = uniqueEmail('e2e-form-invitee')

  const journey = await startJourney('staff-administration')
  const { page } = journey
  const resetButton = (name: string) => page.getByRole('button', { name: `Zweiten Faktor von ${name} zurücksetzen` })
  try {
    await signIn(page, staff.email, staff.password)
    await stepUpPage(page)
    await enterCode(page, staffApp.nextCode(), 'Code aus Ihrer Authenticator-App', 'Bestätigen')
    await overview(page)
    await page.getByRole('link', { name: 'Verwaltung' }).first().click()
    await page.getByRole('heading', { level: 1, name: 'Verwaltung' }).waitFor()
    const search = page.getByLabel('Name oder E-Mail')
    for (const other of [admin.id, withoutFactor.id]) {
      await search.fill(nameOf(other))
      await page.getByText(nameOf(other), { exact: true }).waitFor()
      expect(await resetButton(nameOf(other)).count()).toBe(0)
    }
    await search.fill(targetName)
    await resetButton(targetName).waitFor()
    await journey.screenshot('administration')

    await pickFromSearch(page, 'Mandant', client.name)
    await page.getByLabel('E-Mail-Adresse').fill(invitee)
    await page.getByLabel('Name (optional)').fill('Erika Musterfrau')
    await page.getByRole('button', { name: 'Einladung senden' }).click()
    await page.getByText(`Die Einladung an ${invitee} ist unterwegs.`).waitFor()
    await journey.screenshot('invitation-sent')
    const mail = await latestMail(invitee, 15_000)
    expect(new URL(portalLink(mail)).searchParams.get('type')).toBe('invite')

    await resetButton(targetName).click()
    await page.getByRole('alertdialog').waitFor()
    await journey.screenshot('reset-confirmation')
    await page.getByRole('button', { name: 'Zurücksetzen', exact: true }).click()
    await page.getByText(`Die zweiten Faktoren von ${targetName} wurden zurückgesetzt`).waitFor()
    await resetButton(targetName).waitFor({ state: 'detached' })
    await journey.screenshot('reset-done')

    const [after] = await db()<Array<{ factors: number, sessions: number, audited: number }>>`
      select (select count(*)::int from auth.mfa_factors where user_id = ${target.id}) as factors,
             (select count(*)::int from auth.sessions where user_id = ${target.id}) as sessions,
             (select count(*)::int from ops.audit_events
               where action = 'mfa.factors_reset' and entity_id = ${target.id} and actor_id = ${staff.id}) as audited`
    expect(after).toEqual({ factors: 0, sessions: 0, audited: 1 })
    expect((await latestMail(target.email, 15_000)).to).toContain(target.email)
  }
  finally {
    await journey.close()
  }
})
