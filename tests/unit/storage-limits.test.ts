import { describe, expect, it } from 'vitest'
import { isValidBucketName, isValidKey, parseConfigSize, parseFileSizeToBytes, validateAllowedMimeTypes, validateMimeType } from '../../devstack/src/storage/limits.ts'
import { parseRange } from '../../devstack/src/storage/objects.ts'

describe('isValidKey', () => {
  it('accepts UTF-8 names with spaces and punctuation', () => {
    for (const key of ['akte/2026/Schriftsatz.pdf', 'Müller & Söhne/Vollmacht (1).pdf', '/führender-schrägstrich.txt', 'a//b', 'punkt.am.ende.', '..versteckt/datei']) {
      expect(isValidKey(key), key).toBe(true)
    }
  })

  it('refuses dot segments, backslashes, control characters and S3\'s characters to avoid', () => {
    for (const key of ['', '..', '../x', 'a/../b', 'a/..', './x', 'a/./b', 'a\\b', 'a\u0000b', 'zeile\nneu', 'a%b', 'a#b', 'a{b}', 'a\u200Bb', 'a\u034Fb']) {
      expect(isValidKey(key), JSON.stringify(key)).toBe(false)
    }
  })

  it('refuses keys over 1024 UTF-8 bytes', () => {
    expect(isValidKey('a'.repeat(1024))).toBe(true)
    expect(isValidKey('ä'.repeat(513))).toBe(false)
  })
})

describe('isValidBucketName', () => {
  it('follows storage-api and refuses names that are folder references', () => {
    expect(isValidBucketName('documents')).toBe(true)
    expect(isValidBucketName('mit leerzeichen (1)')).toBe(true)
    for (const name of ['', '.', '..', 'a/b', 'ümlaut', 'x'.repeat(101)]) expect(isValidBucketName(name), name).toBe(false)
  })
})

describe('sizes', () => {
  it('reads bucket API sizes in decimal units', () => {
    expect(parseFileSizeToBytes('20MB')).toBe(20_000_000)
    expect(parseFileSizeToBytes('1.5gb')).toBe(1_500_000_000)
    expect(parseFileSizeToBytes('3B')).toBe(3)
    expect(() => parseFileSizeToBytes('20 MiB')).toThrow('Invalid file size format')
  })

  it('reads config.toml sizes in binary units, as the Supabase CLI does', () => {
    expect(parseConfigSize('200MiB')).toBe(200 * 1024 * 1024)
    expect(parseConfigSize('50MB')).toBe(50 * 1024 * 1024)
    expect(parseConfigSize('1GiB')).toBe(1024 ** 3)
    expect(parseConfigSize(4096)).toBe(4096)
    expect(() => parseConfigSize('viel')).toThrow('cannot read the size')
  })
})

describe('validateMimeType', () => {
  it('matches exact types and type/* wildcards', () => {
    expect(() => validateMimeType('image/png', ['image/*'])).not.toThrow()
    expect(() => validateMimeType('application/pdf', ['image/*', 'application/pdf'])).not.toThrow()
    expect(() => validateMimeType('text/plain', ['image/*', 'application/pdf'])).toThrow('mime type text/plain is not supported')
  })

  it('compares parameters as written, like storage-api', () => {
    expect(() => validateMimeType('text/plain;charset=UTF-8', ['text/plain'])).toThrow('not supported')
    expect(() => validateMimeType('text/plain;charset=UTF-8', ['text/plain;charset=UTF-8'])).not.toThrow()
    expect(() => validateMimeType('text/plain;charset=UTF-8', ['text/*'])).not.toThrow()
    expect(() => validateMimeType('kein-typ', ['text/*'])).toThrow('not supported')
  })

  it('checks the entries a bucket may list', () => {
    expect(() => validateAllowedMimeTypes(['image/*', 'application/vnd.ms-excel', 'text/plain; charset=utf-8'])).not.toThrow()
    expect(() => validateAllowedMimeTypes(['kein typ'])).toThrow('mime type kein typ is not supported')
  })
})

describe('parseRange', () => {
  it('reads first-last, open-ended and suffix ranges', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 })
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 })
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 })
    expect(parseRange('bytes=95-200', 100)).toEqual({ start: 95, end: 99 })
  })

  it('serves ranges it does not understand whole and refuses unsatisfiable ones', () => {
    expect(parseRange(undefined, 100)).toBeUndefined()
    expect(parseRange('bytes=0-1,5-6', 100)).toBeUndefined()
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable')
    expect(parseRange('bytes=5-2', 100)).toBe('unsatisfiable')
  })
})
