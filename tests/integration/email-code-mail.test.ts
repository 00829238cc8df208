// The e-mail second factor through the outbox: request_email_code queues the code, the trigger
// starts the `mail` function, the mail arrives with a 6-digit code (not in the subject), the code
// verifies, and the outbox forgets it once sent.
import { afterAll, expect, it } from 'vitest'
import { latestMail } from '../helpers/auth.ts'
import { testEnv } from '../helpers/env.ts'
import { closeDb, createPersona } from '../helpers/personas.ts'
import { outboxMail } from '../helpers/portal.ts'
import { waitFor } from '../helpers/wait.ts'

afterAll(closeDb)

it.skipIf(!testEnv.isDevstack)('request_email_code mails a code that verify_email_code accepts', async () => {
  const user = await createPersona('email-code')
  const requested = await user.client.rpc('request_email_code')
  expect(requested.error).toBeNull()
  expect(requested.data).toMatchObject({ purpose: 'enrol' })

  const mail = await latestMail(user.email, 15_000)
  expect(mail.subject).toBe('Ihr Sicherheitscode – Kanzlei Weber & Partner')
  const code = /^ {4}(\d{6})$/m.exec(mail.text)?.[1]
  expect(code).toMatch(/^\d{6}$/)
  expect(mail.subject).not.toContain(code)
  expect(mail.html).toContain(code)

  const verified = await user.client.rpc('verify_email_code', { code })
  expect(verified.error).toBeNull()
  expect(verified.data).toEqual({ verified: true, enrolled: true })
  const row = await waitFor(async () => {
    const state = await outboxMail(user.email, 'mfa_email_code')
    return state?.status === 'sent' ? state : undefined
  }, 5_000)
  expect(row?.has_secret).toBe(false)
})
