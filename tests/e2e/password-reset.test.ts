// Journey: a user with an authenticator app forgets the password. The reset mail's link signs in
// only at the first level: before a new password is accepted the person confirms with the app, and
// the factor stays — the next sign-in asks for it again. A reset never bypasses the second factor.
import { afterAll, it } from 'vitest'
import { latestMail, strongPassword } from '../helpers/auth.ts'
import { closePortal, enrolTotp, portalUser } from '../helpers/portal.ts'
import { appUrl, startJourney } from './browser.ts'
import { enterCode, overview, portalLink, signIn, signOut, stepUpPage } from './steps.ts'

afterAll(closePortal)

it('a forgotten password is reset through the mail, with the authenticator app asked before and after', async () => {
  const user = await portalUser('e2e-forgot')
  const app = await enrolTotp(user.client)

  const journey = await startJourney('password-reset')
  const { page } = journey
  try {
    await page.goto(`${appUrl}/passwort-vergessen`)
    await page.getByLabel('E-Mail-Adresse').fill(user.email)
    await page.getByRole('button', { name: 'Link anfordern' }).click()
    await page.getByText('Bitte prüfen Sie Ihr Postfach').waitFor()
    await journey.screenshot('link-requested')

    await page.goto(portalLink(await latestMail(user.email, 15_000)))
    await page.getByRole('heading', { level: 1, name: 'Neues Passwort festlegen' }).waitFor()
    await page.getByRole('button', { name: 'Weiter' }).click()
    await page.getByText('Ihr Zugang ist mit einem zweiten Faktor geschützt.').waitFor()
    await journey.screenshot('factor-asked-first')
    await enterCode(page, app.nextCode(), 'Code aus Ihrer Authenticator-App', 'Bestätigen')

    const password = strongPassword()
    await page.getByLabel('Neues Passwort', { exact: true }).fill(password)
    await page.getByLabel('Neues Passwort wiederholen').fill(password)
    await page.getByText(/^Stärke: (stark|sehr stark)$/).waitFor()
    await page.getByRole('button', { name: 'Passwort speichern' }).click()
    await overview(page)
    await journey.screenshot('new-password-saved')

    await signOut(page)
    await signIn(page, user.email, password)
    await stepUpPage(page)
    // The factor survived the reset: the new password alone opens nothing.
    await page.getByLabel('Code aus Ihrer Authenticator-App').waitFor()
    await journey.screenshot('factor-asked-again')
  }
  finally {
    await journey.close()
  }
})
