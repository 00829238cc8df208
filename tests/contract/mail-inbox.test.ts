// Devstack only: the SMTP sink files what it receives, and the inbox shows it safely (HTML escaped)
// and serves it as JSON to the tests.
import { randomUUID } from 'node:crypto'
import { createTransport } from 'nodemailer'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../devstack/src/config.ts'
import { smtpEndpoint } from '../../devstack/src/shared/smtp.ts'
import { latestMail, mailsTo } from '../helpers/auth.ts'
import { testEnv } from '../helpers/env.ts'

const address = (label: string) => `${label}-${randomUUID().slice(0, 8)}@inbox.test`

async function send(to: string, subject: string, html: string) {
  const { host, port } = smtpEndpoint(loadConfig({ ...process.env, DEVSTACK_INSTANCE: 'test' }))
  await createTransport({ host, port, ignoreTLS: true }).sendMail({ from: 'Absender <sender@inbox.test>', to, subject, html, text: 'Text: https://example.test/text-link' })
}

describe.skipIf(!testEnv.isDevstack)('mail inbox', () => {
  it('stores a message and returns it newest first with its links', async () => {
    const to = address('inbox')
    await send(to, 'Erste', '<p>eins</p>')
    await send(to, 'Zweite', '<a href="https://example.test/verify?token=a&amp;type=invite">Link</a>')
    const latest = await latestMail(to)
    expect(latest).toMatchObject({ subject: 'Zweite', to: [to], from: expect.stringContaining('sender@inbox.test') })
    expect(latest.links).toEqual(['https://example.test/verify?token=a&type=invite', 'https://example.test/text-link'])
    expect((await mailsTo(to)).map(message => message.subject)).toEqual(['Zweite', 'Erste'])
  })

  it('escapes everything in its HTML views', async () => {
    const to = address('escape')
    await send(to, '<script>alert(1)</script>', '<img src=x onerror=alert(1)><script>alert(2)</script>')
    const message = await latestMail(to)
    const list = await (await fetch(`${testEnv.inboxUrl}/?to=${encodeURIComponent(to)}`)).text()
    const view = await (await fetch(`${testEnv.inboxUrl}/messages/${message.id}`)).text()
    for (const html of [list, view]) {
      expect(html).not.toContain('<script>alert')
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    }
    expect(view).toContain('<iframe sandbox=""')
  })

  it('deletes the messages of one address only', async () => {
    const [gone, kept] = [address('gone'), address('kept')]
    await send(gone, 'weg', '<p>x</p>')
    await send(kept, 'bleibt', '<p>y</p>')
    const response = await fetch(`${testEnv.inboxUrl}/api/messages?to=${encodeURIComponent(gone)}`, { method: 'DELETE' })
    expect(await response.json()).toEqual({ deleted: 1 })
    expect(await mailsTo(gone)).toEqual([])
    expect(await mailsTo(kept)).toHaveLength(1)
  })
})
