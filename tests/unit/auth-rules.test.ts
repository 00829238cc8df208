// Pure parts of the devstack's Auth: limiter arithmetic, redirect globs, password rules, Go
// durations, the mail template subset and the mail store.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseGoDuration } from '../../devstack/src/auth/duration.ts'
import { passwordWeakness } from '../../devstack/src/auth/password.ts'
import { createLimiters, TokenBucketLimiter } from '../../devstack/src/auth/ratelimit.ts'
import { isRedirectAllowed } from '../../devstack/src/auth/redirect.ts'
import { requiredCharacterSets } from '../../devstack/src/auth/settings.ts'
import { renderTemplate } from '../../devstack/src/auth/template.ts'
import { MailStore } from '../../devstack/src/mail/store.ts'

describe('token bucket limiter', () => {
  it('allows the burst, refuses the next request and refills over time, per key', () => {
    let now = 0
    const limiter = new TokenBucketLimiter({ capacity: 3, perWindow: 30, windowMs: 300_000, now: () => now })
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([true, true, true, false])
    expect(limiter.take('b')).toBe(true)
    now += 9_999
    expect(limiter.take('a')).toBe(false)
    now += 1
    expect(limiter.take('a')).toBe(true)
  })

  it('limits e-mail project-wide to email_sent per hour, refilling within the hour', () => {
    let now = 0
    const { email } = createLimiters({ tokenRefresh: 150, signInSignUps: 30, tokenVerifications: 30, emailSent: 2 }, () => now)
    expect([email.take('email_functions'), email.take('email_functions'), email.take('email_functions')]).toEqual([true, true, false])
    now += 30 * 60_000
    expect(email.take('email_functions')).toBe(true)
  })
})

describe('redirect allow-list', () => {
  const site = 'http://127.0.0.1:3000'
  const allowed = ['http://localhost:3000/**', 'https://*.kanzlei.example/portal/*']
  it.each([
    ['http://127.0.0.1:3000/willkommen', true],
    ['http://localhost:3000/a/b?c=d', true],
    ['https://mandanten.kanzlei.example/portal/start', true],
    ['https://mandanten.kanzlei.example/portal/a/b', false],
    ['https://evil.example/', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('%s → %s', (target, expected) => {
    expect(isRedirectAllowed(target, site, allowed)).toBe(expected)
  })
})

describe('password rules', () => {
  it('reports length and missing character sets as GoTrue words them', () => {
    const rules = { minimumPasswordLength: 12, requiredCharacters: requiredCharacterSets.lower_upper_letters_digits! }
    expect(passwordWeakness('abc', rules)).toEqual({
      reasons: ['length', 'characters'],
      message: 'Password should be at least 12 characters. Password should contain at least one character of each: abcdefghijklmnopqrstuvwxyz, ABCDEFGHIJKLMNOPQRSTUVWXYZ, 0123456789.',
    })
    expect(passwordWeakness('Abcdefghijk1', rules)).toBeNull()
    expect(() => passwordWeakness('x'.repeat(73), rules)).toThrow(/72/)
  })
})

describe('go durations', () => {
  it('parses what the CLI and ban_duration use', () => {
    expect(parseGoDuration('12h')).toBe(12 * 3_600_000)
    expect(parseGoDuration('1h30m')).toBe(90 * 60_000)
    expect(parseGoDuration('500ms')).toBe(500)
    expect(() => parseGoDuration('forever')).toThrow()
  })
})

describe('mail templates', () => {
  it('fills fields and Data keys HTML-escaped, and refuses other actions', () => {
    expect(renderTemplate('<a href="{{ .ConfirmationURL }}">{{ .Data.name }}</a>', { ConfirmationURL: 'http://x/?a=1&b=2', Data: { name: '<b>' } }))
      .toBe('<a href="http://x/?a=1&amp;b=2">&lt;b&gt;</a>')
    expect(() => renderTemplate('{{ if .Token }}x{{ end }}', {})).toThrow(/unsupported/)
  })
})

describe('mail store', () => {
  it('keeps messages on disk across instances', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mail-store-'))
    try {
      new MailStore(dir).add({ from: 'a@x', to: ['b@x'], subject: 's', date: new Date().toISOString(), text: '', html: '<a href="https://x.test/?a=1&amp;b=2">l</a>' })
      const [message] = new MailStore(dir).list('B@X')
      expect(message).toMatchObject({ subject: 's', links: ['https://x.test/?a=1&b=2'] })
    }
    finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
