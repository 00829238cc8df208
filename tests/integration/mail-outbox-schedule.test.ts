// The minute job: a mail not yet due when queued starts no delivery run; pg_cron's
// `portal-mail-outbox` job finds it due and the `mail` function sends it.
import { afterAll, expect, it } from 'vitest'
import { latestMail } from '../helpers/auth.ts'
import { testEnv } from '../helpers/env.ts'
import { closeDb, db, uniqueEmail } from '../helpers/personas.ts'
import { outboxMail } from '../helpers/portal.ts'
import { waitFor } from '../helpers/wait.ts'

afterAll(closeDb)

it.skipIf(!testEnv.isDevstack)('pg_cron sends a mail whose insert started no run', async () => {
  const email = uniqueEmail('scheduled-mail')
  await db()`
    insert into ops.mail_outbox (template, locale, recipient, data, next_attempt_at)
    values ('second_factor_reset', 'en', ${email}, ${db().json({ display_name: 'Scheduled Sam' })}, now() + interval '1 second')`
  const [job] = await db()`select schedule from cron.job where jobname = 'portal-mail-outbox'`
  expect(job).toEqual({ schedule: '* * * * *' })

  const mail = await latestMail(email, 80_000)
  expect(mail.subject).toBe('Your second factor has been reset – Kanzlei Weber & Partner')
  expect(mail.text).toMatch(/^Hello Scheduled Sam,/)
  expect(await waitFor(async () => (await outboxMail(email, 'second_factor_reset'))?.status === 'sent' || undefined, 5_000)).toBe(true)
}, 90_000)
