import { describe, expect, it } from 'vitest'
import { errorMessageKey, knownCodes } from '~/utils/error-messages'
import { globSync, readFileSync } from 'node:fs'

// Read as plain JSON: imported, the i18n build plugin would hand over compiled messages.
const read = (path: string) => JSON.parse(readFileSync(path, 'utf8'))
const [de, en] = ['de', 'en'].map(code => read(`i18n/locales/${code}.json`))
// A feature's own codes travel with its texts (i18n/lazy/<name>.json, one object per locale).
const lazy = globSync('i18n/lazy/*.json').map(read)
const codesOf = (code: 'de' | 'en', main: { errors: { codes: object } }) =>
  [main, ...lazy.map(texts => texts[code])].flatMap(messages => Object.keys(messages.errors?.codes ?? {}))

describe('error messages', () => {
  it('answers every credential problem alike, so nobody learns whether an account exists', () => {
    for (const code of ['invalid_credentials', 'email_not_confirmed', 'user_not_found']) {
      expect(errorMessageKey({ name: 'AuthApiError', code, status: 400 })).toBe('errors.codes.invalid_credentials')
    }
  })

  it('names throttling, and our RPCs’ refusals by their code', () => {
    expect(errorMessageKey({ code: 'over_request_rate_limit', status: 429 })).toBe('errors.codes.over_request_rate_limit')
    expect(errorMessageKey({ status: 429 })).toBe('errors.codes.over_request_rate_limit')
    expect(errorMessageKey({ code: 'P0001', message: 'email_code_expired', status: 400 })).toBe('errors.codes.email_code_expired')
    // The password hook's refusal arrives as invalid_credentials with its own message.
    expect(errorMessageKey({ name: 'AuthApiError', code: 'invalid_credentials', message: 'login_throttled', status: 400 })).toBe('errors.codes.login_throttled')
  })

  it('tells an ended session to sign in again', () => {
    expect(errorMessageKey({ code: 'P0001', message: 'session_required', status: 400 })).toBe('errors.codes.session_required')
  })

  it('reports an unreachable or missing service as unavailable, anything else as unexpected', () => {
    expect(errorMessageKey({ name: 'AuthRetryableFetchError', status: 0 })).toBe('errors.unavailable')
    expect(errorMessageKey({ message: 'no Route matched with those values', status: 404 })).toBe('errors.unavailable')
    expect(errorMessageKey(new TypeError('Failed to fetch'))).toBe('errors.unavailable')
    expect(errorMessageKey({ code: 'something_new', status: 400 })).toBe('errors.unexpected')
  })

  it('has a German and an English text for every code it can return', () => {
    expect(codesOf('de', de).sort()).toEqual([...knownCodes].sort())
    expect(codesOf('en', en).sort()).toEqual([...knownCodes].sort())
  })
})
