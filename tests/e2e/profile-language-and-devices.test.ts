// Journey: a client whose profile is in English signs in from a German browser. The sign-in page
// follows the browser; once signed in the portal speaks English. The profile lists the signed-in
// devices by browser and system in words, with the raw user agent on demand, and switching the
// profile to German changes the whole portal at once.
import { afterAll, expect, it } from 'vitest'
import { createTestUser } from '../helpers/auth.ts'
import { closePortal, newSession } from '../helpers/portal.ts'
import { appUrl, startJourney } from './browser.ts'
import { signIn } from './steps.ts'

afterAll(closePortal)

it('the portal speaks the profile\'s language, names devices in words and switches language on saving', async () => {
  const user = await createTestUser('e2e-english-profile', { display_name: 'Emma English', locale: 'en' })
  // A second device, signed in through supabase-js in Node: its user agent names no browser.
  await newSession(user)

  const journey = await startJourney('profile-language-and-devices')
  const { page } = journey
  try {
    await signIn(page, user.email, user.password)
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor()
    expect(await page.locator('html').getAttribute('lang')).toBe('en')
    await journey.screenshot('overview-in-english')

    await page.goto(`${appUrl}/profil`)
    await page.getByRole('heading', { level: 1, name: 'Profile and security' }).waitFor()
    const devices = page.getByRole('region', { name: 'Signed-in devices' })
    await devices.getByText(/^Chrome \d+ on Linux/).waitFor()
    await devices.getByText('Unknown device').waitFor()
    const identifier = devices.getByText('The browser\'s technical identifier').first()
    await identifier.click()
    expect(await devices.locator('code').first().textContent()).toMatch(/^Mozilla\/5\.0 .*Chrome\/\d+/)
    await journey.screenshot('devices-in-words')

    await page.getByLabel('Language').selectOption('de')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('heading', { level: 1, name: 'Profil und Sicherheit' }).waitFor()
    await page.getByRole('region', { name: 'Angemeldete Geräte' }).getByText(/^Chrome \d+ auf Linux/).waitFor()
    expect(await page.locator('html').getAttribute('lang')).toBe('de')
    await journey.screenshot('switched-to-german')
  }
  finally {
    await journey.close()
  }
})
