// Journey: an admin deactivates an employee under Verwaltung → Personal while the employee has the
// portal open in another browser. The employee's tab is thrown out within seconds (session_ended
// on the person's topic → the sign-in page says the firm ended the session), the browser's old
// token gets nothing from REST any more, and signing in again is refused as a locked account.
import { afterAll, expect, it } from 'vitest'
import { testEnv } from '../helpers/env.ts'
import { closePortal, staffMember } from '../helpers/portal.ts'
import { accessibilityViolations } from './accessibility.ts'
import { startJourney } from './browser.ts'
import { browserAccessToken, overview, signIn } from './steps.ts'

afterAll(closePortal)

it('an admin deactivates an employee whose open session ends within seconds', async () => {
  const admin = await staffMember('e2e-deactivating-admin', { admin: true })
  const employee = await staffMember('e2e-leaving-employee')

  const adminJourney = await startJourney('admin-deactivate-staff')
  const employeeJourney = await startJourney('admin-deactivate-staff-employee')
  const desk = adminJourney.page
  const page = employeeJourney.page
  try {
    await signIn(page, employee.email, employee.password)
    await overview(page)
    await page.getByRole('link', { name: 'Tickets' }).first().click()
    await page.waitForURL(url => url.pathname === '/tickets')
    const employeeToken = await browserAccessToken(page)

    await signIn(desk, admin.email, admin.password)
    await overview(desk)
    await desk.getByRole('link', { name: 'Verwaltung' }).first().click()
    await desk.getByRole('link', { name: 'Personal Mitarbeitende' }).click()
    await desk.getByRole('heading', { level: 1, name: 'Personal' }).waitFor()
    await desk.getByLabel('Name oder E-Mail').fill(employee.email)
    await desk.waitForURL(url => url.searchParams.get('q') === employee.email)
    const row = desk.getByRole('button', { name: new RegExp(employee.email.replace(/[.+]/g, '\\$&')) })
    await row.click()
    await desk.getByRole('heading', { name: 'Aktive Sitzungen' }).waitFor()
    await expect.poll(() => desk.getByRole('button', { name: 'Beenden', exact: true }).count()).toBeGreaterThan(0)
    await adminJourney.screenshots('employee-chosen')
    expect(await accessibilityViolations(desk)).toEqual([])

    await desk.getByRole('button', { name: 'Konto sperren' }).click()
    await desk.getByRole('alertdialog').getByRole('button', { name: 'Konto sperren' }).click()
    const thrownOutBy = Date.now() + 10_000
    await desk.getByText('gesperrt', { exact: true }).waitFor()
    await desk.getByText('Keine aktiven Sitzungen.').waitFor()
    await adminJourney.screenshots('employee-deactivated')

    // The employee's tab, left alone, lands on the sign-in with the reason.
    await page.waitForURL(url => url.pathname === '/anmelden' && url.searchParams.get('grund') === 'revoked', { timeout: 10_000 })
    expect(Date.now()).toBeLessThan(thrownOutBy)
    await page.getByText('Ihre Sitzung wurde von der Kanzlei beendet.').waitFor()
    await employeeJourney.screenshots('thrown-out')
    expect(await accessibilityViolations(page)).toEqual([])

    const rest = await fetch(`${testEnv.supabaseUrl}/rest/v1/clients?select=id&limit=1`, {
      headers: { apikey: testEnv.anonKey, Authorization: `Bearer ${employeeToken}` },
    })
    expect(await rest.json()).toEqual([])

    await signIn(page, employee.email, employee.password)
    await page.getByText('Dieser Zugang ist gesperrt. Bitte wenden Sie sich an Ihre Kanzlei.').waitFor()
    await employeeJourney.screenshot('sign-in-refused')
  }
  finally {
    await adminJourney.close()
    await employeeJourney.close()
  }
})
