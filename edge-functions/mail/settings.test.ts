import assert from 'node:assert/strict'
import { mailSettings, smtpSettings } from './settings.ts'

const envOf = (values: Record<string, string>) => (name: string) => values[name]

Deno.test('mail settings: PORTAL_URL wins over SITE_URL; firm name and sender default sensibly', () => {
  assert.deepEqual(mailSettings(envOf({ SITE_URL: 'http://127.0.0.1:3000/', SMTP_ADMIN_EMAIL: 'portal@kanzlei.example' })), {
    siteUrl: 'http://127.0.0.1:3000',
    firmName: 'Kanzlei Weber & Partner',
    timeZone: 'Europe/Berlin',
    from: { name: 'Kanzlei Weber & Partner', address: 'portal@kanzlei.example' },
  })
  const custom = mailSettings(envOf({
    SITE_URL: 'http://ignored.example', PORTAL_URL: 'https://portal.kanzlei.example', PORTAL_FIRM_NAME: 'Kanzlei Beispiel',
    SMTP_ADMIN_EMAIL: 'portal@kanzlei.example', SMTP_SENDER_NAME: 'Mandantenportal',
  }))
  assert.equal(custom.siteUrl, 'https://portal.kanzlei.example')
  assert.equal(custom.firmName, 'Kanzlei Beispiel')
  assert.deepEqual(custom.from, { name: 'Mandantenportal', address: 'portal@kanzlei.example' })
})

Deno.test('mail settings name what is missing', () => {
  assert.throws(() => mailSettings(envOf({ SMTP_ADMIN_EMAIL: 'a@b.example' })), /PORTAL_URL or SITE_URL is not set/)
  assert.throws(() => mailSettings(envOf({ SITE_URL: 'http://x' })), /SMTP_ADMIN_EMAIL is not set/)
  assert.throws(() => smtpSettings(envOf({})), /SMTP_HOST is not set/)
  assert.throws(() => smtpSettings(envOf({ SMTP_HOST: 'mail.example', SMTP_PORT: 'smtp' })), /SMTP_PORT is not a port/)
})

Deno.test('SMTP: TLS is required for any server but a loopback sink; 465 means implicit TLS', () => {
  assert.deepEqual(smtpSettings(envOf({ SMTP_HOST: '127.0.0.1', SMTP_PORT: '54325' })),
    { host: '127.0.0.1', port: 54325, secure: false, requireTls: false, auth: undefined })
  assert.deepEqual(smtpSettings(envOf({ SMTP_HOST: 'smtp.example', SMTP_USER: 'portal', SMTP_PASS: 'pw' })),
    { host: 'smtp.example', port: 587, secure: false, requireTls: true, auth: { user: 'portal', pass: 'pw' } })
  assert.deepEqual(smtpSettings(envOf({ SMTP_HOST: 'smtp.example', SMTP_PORT: '465' })),
    { host: 'smtp.example', port: 465, secure: true, requireTls: false, auth: undefined })
})
