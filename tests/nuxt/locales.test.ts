import { describe, expect, it } from 'vitest'
import { globSync, readFileSync } from 'node:fs'

const keys = (messages: object, prefix = ''): string[] => Object.entries(messages).flatMap(([key, value]) =>
  value && typeof value === 'object' ? keys(value, `${prefix}${key}.`) : [`${prefix}${key}`])

// Read as plain JSON: imported, the i18n build plugin would hand over compiled messages.
const [de, en] = ['de', 'en'].map(code => JSON.parse(readFileSync(`i18n/locales/${code}.json`, 'utf8')))

// Texts that load with the part that shows them (a `<i18n global>` block): `{ de: …, en: … }`.
const lazy = globSync('i18n/lazy/*.json').map(path => ({ path, texts: JSON.parse(readFileSync(path, 'utf8')) }))

describe('locales', () => {
  it('has every German text in English too, and nothing more', () => {
    expect(keys(en).sort()).toEqual(keys(de).sort())
    for (const { path, texts } of lazy) expect({ path, keys: keys(texts.en).sort() }).toEqual({ path, keys: keys(texts.de).sort() })
  })

  it('loads no text twice: a lazily loaded text never overrides one every page has', () => {
    const everywhere = new Set(keys(de))
    for (const { path, texts } of lazy) expect({ path, overriding: keys(texts.de).filter(key => everywhere.has(key)) }).toEqual({ path, overriding: [] })
  })
})
