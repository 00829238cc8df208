// Journeys of the e-mail factor: set up in the browser with a code from the inbox and used at the
// next sign-in; and five wrong codes end that code, so even the right one is refused afterwards.
import { afterAll, expect, it } from 'vitest'
import { createTestUser, signedInClient } from '../helpers/auth.ts'
import { call, closePortal, emailCode } from '../helpers/portal.ts'
import { appUrl, startJourney } from './browser.ts'
import { codeIn, enterCode, mailIds, nextMail, overview, setUpPage, signIn, signOut, stepUpPage } from './steps.ts'

afterAll(closePortal)

it('a user sets up codes by e-mail, signs out, and confirms the next sign-in with a mailed code', async () => {
  const user = await createTestUser('e2e-email-factor')
  const journey = await startJourney('email-factor')
  const { page } = journey
  try {
    await signIn(page, user.email, user.password)
    await overview(page)
    await journey.screenshot('overview-in-grace-period')
    await page.getByRole('link', { name: 'Jetzt einrichten' }).click()
    await setUpPage(page)
    await page.getByRole('radio', { name: 'Code per E-Mail' }).click()
    const seen = await mailIds(user.email)
    await page.getByRole('button', { name: 'Code per E-Mail senden' }).click()
    await page.getByText('Der Code ist unterwegs.').waitFor()
    const enrolmentCode = codeIn(await nextMail(user.email, seen))
    await journey.screenshot('enrolment-code-sent')
    await enterCode(page, enrolmentCode, 'Sechsstelliger Code', 'Code prüfen und aktivieren')
    await overview(page)
    await journey.screenshot('overview-with-factor')

    await signOut(page)
    await signIn(page, user.email, user.password)
    await stepUpPage(page)
    const seenBeforeStepUp = await mailIds(user.email)
    await page.getByRole('button', { name: 'Code per E-Mail senden' }).click()
    const stepUpCode = codeIn(await nextMail(user.email, seenBeforeStepUp))
    expect(stepUpCode).not.toBe(enrolmentCode)
    await journey.screenshot('step-up-code-sent')
    await enterCode(page, stepUpCode, 'Sechsstelliger Code', 'Bestätigen')
    await overview(page)
    await journey.screenshot('overview-after-step-up')
  }
  finally {
    await journey.close()
  }
})

it('five wrong e-mail codes use the code up: the right one is refused afterwards', async () => {
  const user = await createTestUser('e2e-email-lockout')
  const enrolling = await signedInClient(user)
  await call(enrolling, 'request_email_code')
  expect(await call(enrolling, 'verify_email_code', { code: await emailCode(user.email) })).toEqual({ verified: true, enrolled: true })

  const journey = await startJourney('email-code-lockout')
  const { page } = journey
  const verification = () => page.waitForResponse(response => response.url().endsWith('/rest/v1/rpc/verify_email_code'))
  try {
    await signIn(page, user.email, user.password)
    await stepUpPage(page)
    const seen = await mailIds(user.email)
    await page.getByRole('button', { name: 'Code per E-Mail senden' }).click()
    const code = codeIn(await nextMail(user.email, seen))
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0')
    for (let attempt = 1; attempt <= 5; attempt++) {
      const answered = verification()
      await enterCode(page, wrong, 'Sechsstelliger Code', 'Bestätigen')
      await answered
    }
    await page.getByRole('alert').filter({ hasText: 'Zu viele falsche Eingaben: Dieser Code ist gesperrt. Fordern Sie einen neuen Code an.' }).waitFor()
    await journey.screenshot('locked-after-five-wrong-codes')

    const answered = verification()
    await enterCode(page, code, 'Sechsstelliger Code', 'Bestätigen')
    const refused = await answered
    expect(refused.status()).toBe(400)
    expect(await refused.json()).toMatchObject({ code: 'P0001', message: 'email_code_attempts_exceeded' })
    await page.getByRole('alert').filter({ hasText: 'Dieser Code ist gesperrt' }).waitFor()
    await page.goto(`${appUrl}/`)
    await stepUpPage(page)
    await journey.screenshot('right-code-refused')
  }
  finally {
    await journey.close()
  }
})
