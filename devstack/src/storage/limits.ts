// Name, size and type rules of storage-api (src/storage/limits.ts, uploader, bucket validation),
// plus the one rule the devstack adds because it maps names onto a file system.
import { ERRORS } from './errors.ts'

// Object keys: any UTF-8 except control characters, S3's "characters to avoid" and invisible
// code points that can spoof a path (storage-api's current validator).
// eslint-disable-next-line no-control-regex -- control characters are what this refuses
const VALID_OBJECT_KEY = /^[^\u0000-\u001F\u007F-\u009F#[\]{}^`"<>\\|%~\u061C\u200B\u200E\u200F\u2028\u2029\u202A-\u202E\u2060\u2066-\u2069\uFEFF]+$/u
// U+034F (combining grapheme joiner) too; kept out of the class, where it would combine.
const GRAPHEME_JOINER = '\u034F'
const DOT_SEGMENT = /(^|\/)\.{1,2}(\/|$)/
const MAX_OBJECT_KEY_BYTES = 1024
const VALID_BUCKET_NAME = /^[\w!.*'() &$=@;:+,?-]+$/

export function isValidKey(key: string): boolean {
  return key.length > 0
    && VALID_OBJECT_KEY.test(key)
    && !key.includes(GRAPHEME_JOINER)
    && !DOT_SEGMENT.test(key)
    && Buffer.byteLength(key, 'utf8') <= MAX_OBJECT_KEY_BYTES
}

export function mustBeValidKey(key: string | undefined): asserts key is string {
  if (!key || !isValidKey(key)) throw ERRORS.invalidKey(key ?? '')
}

/**
 * storage-api's bucket rule (ASCII, no slash, < 101 characters). The devstack also refuses `.` and
 * `..`, which S3 tolerates as bucket ids but which would name a folder outside the bucket here.
 */
export function isValidBucketName(name: string): boolean {
  return name.length > 0 && name.length < 101 && VALID_BUCKET_NAME.test(name) && name !== '.' && name !== '..'
}

export function mustBeValidBucketName(name: string | undefined): asserts name is string {
  if (!name || !isValidBucketName(name)) throw ERRORS.invalidBucketName()
}

/** Bucket API sizes ("20MB", "1.5GB", "30KB", "3B"): decimal units, as storage-api parses them. */
export function parseFileSizeToBytes(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(gb|mb|kb|b)$/i.exec(value)
  if (!match) throw ERRORS.invalidFileSizeLimit()
  const factor = { gb: 1e9, mb: 1e6, kb: 1e3, b: 1 }[match[2]!.toLowerCase() as 'gb' | 'mb' | 'kb' | 'b']
  return Math.round(Number(match[1]) * factor)
}

/** config.toml sizes ("200MiB", "50MB", "1GB"): the Supabase CLI reads them in binary units. */
export function parseConfigSize(value: string | number): number {
  if (typeof value === 'number') return value
  const match = /^(\d+(?:\.\d+)?)\s*([kmgtp])?i?b?$/i.exec(value.trim())
  if (!match) throw new Error(`config.toml: cannot read the size "${value}" (use e.g. 50MiB)`)
  const power = match[2] ? 'kmgtp'.indexOf(match[2].toLowerCase()) + 1 : 0
  return Math.round(Number(match[1]) * 1024 ** power)
}

/**
 * An upload's content type against the bucket's list: type and subtype compared as written, `type/*`
 * matches any subtype. Parameters are not stripped, so `text/plain;charset=UTF-8` needs that exact
 * entry (storage-api behaves the same, which trips up storage-js's default content type).
 */
export function validateMimeType(mimeType: string, allowed: string[]): void {
  const [type, subtype] = mimeType.split('/')
  if (subtype === undefined) throw ERRORS.invalidMimeType(mimeType)
  const accepted = allowed.some((entry) => {
    const [allowedType, allowedSubtype] = entry.split('/')
    return allowedType === type && (allowedSubtype === '*' || allowedSubtype === subtype)
  })
  if (!accepted) throw ERRORS.invalidMimeType(mimeType)
}

/** The entries a bucket may list (storage-api's createBucket/updateBucket check). */
export function validateAllowedMimeTypes(entries: string[]): void {
  for (const entry of entries) {
    if (entry.length > 1000 || !/^([a-z0-9\-+.]+)\/([a-z0-9\-+.]+)(;\s*charset=[a-z0-9-]+)?$|\*$/i.test(entry)) {
      throw ERRORS.invalidMimeType(entry)
    }
  }
}

/** Only a UUID `sub` fills the deprecated uuid `owner` column; `owner_id` takes any. */
export const isUuid = (value: string | undefined): value is string =>
  !!value && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)
