// Journey: a guessable password, or one built from the firm's or portal's name, is refused with
// the reason in German before anything reaches Auth, and the account keeps its old password.
import { afterAll, expect, it } from 'vitest'
import { createTestUser } from '../helpers/auth.ts'
import { db } from '../helpers/personas.ts'
import { closePortal } from '../helpers/portal.ts'
import { appUrl, startJourney } from './browser.ts'
import { overview, signIn, signOut } from './steps.ts'

afterAll(closePortal)

const contextWord = 'Das Passwort enthält Ihren Namen, Ihre E-Mail-Adresse, den Namen der Kanzlei oder des Portals.'
const refusals = [
  { password: 'passwort12345', reason: contextWord },
  { password: 'KanzleiWeber2026', reason: contextWord },
  // Long enough and free of context words, but a dictionary word and a year (zxcvbn score 2).
  { password: 'Sonnenschein2026', reason: 'Das Passwort ist zu leicht zu erraten.' },
]

// The stored hash itself: trying the weak passwords at /token would count as failed sign-ins and
// throttle the account (hook_password_verification_attempt).
async function passwordHash(userId: string): Promise<string | undefined> {
  const [row] = await db()<Array<{ encrypted_password: string }>>`select encrypted_password from auth.users where id = ${userId}`
  return row?.encrypted_password
}

it('weak new passwords are refused with the reason, and the old password still signs in', async () => {
  const user = await createTestUser('e2e-weak-password')
  const hashBefore = await passwordHash(user.id)
  const journey = await startJourney('weak-password')
  const { page } = journey
  try {
    await signIn(page, user.email, user.password)
    await overview(page)
    await page.goto(`${appUrl}/profil`)
    await page.getByRole('heading', { level: 1, name: 'Profil und Sicherheit' }).waitFor()
    const submit = page.getByRole('button', { name: 'Passwort ändern' })
    for (const [index, { password, reason }] of refusals.entries()) {
      await page.getByLabel('Aktuelles Passwort').fill(user.password)
      await page.getByLabel('Neues Passwort', { exact: true }).fill(password)
      await page.getByLabel('Neues Passwort wiederholen').fill(password)
      await page.getByText(reason).waitFor()
      expect(await submit.isDisabled()).toBe(true)
      // Enter submits a form even past a disabled button; the form must refuse that too.
      await page.getByLabel('Neues Passwort wiederholen').press('Enter')
      await journey.screenshot(`refused-${index + 1}`)
      expect(await page.getByText('Ihr Passwort wurde geändert.').count()).toBe(0)
    }

    await signOut(page)
    expect(await passwordHash(user.id)).toBe(hashBefore)
    await signIn(page, user.email, user.password)
    await overview(page)
    await journey.screenshot('old-password-signs-in')
  }
  finally {
    await journey.close()
  }
})
