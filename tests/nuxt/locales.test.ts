import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'

const keys = (messages: object, prefix = ''): string[] => Object.entries(messages).flatMap(([key, value]) =>
  value && typeof value === 'object' ? keys(value, `${prefix}${key}.`) : [`${prefix}${key}`])

// Read as plain JSON: imported, the i18n build plugin would hand over compiled messages.
const [de, en] = ['de', 'en'].map(code => JSON.parse(readFileSync(`i18n/locales/${code}.json`, 'utf8')))

describe('locales', () => {
  it('has every German text in English too, and nothing more', () => {
    expect(keys(en).sort()).toEqual(keys(de).sort())
  })
})
