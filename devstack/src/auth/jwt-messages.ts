// GoTrue's words for a bearer it cannot use: golang-jwt v5's parser errors, which parseJWTClaims
// puts after "invalid JWT: unable to parse or verify signature, ". The checks golang-jwt does before
// the signature (segments, base64url, JSON, alg) run here on the token itself, so the message never
// quotes raw bytes; the signature and time checks are jose's verdict in golang-jwt's terms.
import { errors } from 'jose'

/** GoTrue's JWT.ValidMethods: the algorithms of its keys (HS256, plus RS256/ES256 with signing keys). */
const validMethods = new Set(['HS256', 'RS256', 'ES256'])
const knownMethods = new Set(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'none'])

/** Go's base64.RawURLEncoding: the offset of the first byte it refuses, or -1. */
function base64Failure(segment: string): number {
  const bad = segment.search(/[^\w-]/)
  if (bad >= 0) return bad
  return segment.length % 4 === 1 ? segment.length - 1 : -1
}

/** Go's quoteChar of one byte (encoding/json): the byte as a rune, quoted like strconv.Quote. */
function goQuote(byte: number): string {
  if (byte === 0x27) return '\'\\\'\''
  const printable = (byte >= 0x20 && byte <= 0x7E) || (byte >= 0xA1 && byte <= 0xFF && byte !== 0xAD)
  if (printable) return `'${String.fromCharCode(byte)}'`
  const escapes: Record<number, string> = { 0x07: '\\a', 0x08: '\\b', 0x0C: '\\f', 0x0A: '\\n', 0x0D: '\\r', 0x09: '\\t', 0x0B: '\\v' }
  return `'${escapes[byte] ?? (byte < 0x80 ? `\\x${byte.toString(16).padStart(2, '0')}` : `\\u${byte.toString(16).padStart(4, '0')}`)}'`
}

function jsonFailure(bytes: Buffer): string | null {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'))
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? null : 'json: cannot unmarshal into Go value of type map[string]interface {}'
  }
  catch {
    const first = bytes.find(byte => ![0x20, 0x09, 0x0A, 0x0D].includes(byte))
    if (first === undefined || '{["-0123456789tfn'.includes(String.fromCharCode(first))) return 'unexpected end of JSON input'
    return `invalid character ${goQuote(first)} looking for beginning of value`
  }
}

/** What golang-jwt finds wrong with a token before any key is looked up, or null. */
export function malformedTokenMessage(token: string): string | null {
  const parts = token.split('.')
  if (parts.length !== 3) return 'token is malformed: token contains an invalid number of segments'
  const [header = '', claims = ''] = parts
  const headerAt = base64Failure(header)
  if (headerAt >= 0) return `token is malformed: could not base64 decode header: illegal base64 data at input byte ${headerAt}`
  const headerJson = jsonFailure(Buffer.from(header, 'base64url'))
  if (headerJson) return `token is malformed: could not JSON decode header: ${headerJson}`
  const claimsAt = base64Failure(claims)
  if (claimsAt >= 0) return `token is malformed: could not base64 decode claim: illegal base64 data at input byte ${claimsAt}`
  const claimsJson = jsonFailure(Buffer.from(claims, 'base64url'))
  if (claimsJson) return `token is malformed: could not JSON decode claim: ${claimsJson}`
  const alg = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown }).alg
  if (typeof alg !== 'string') return 'token is unverifiable: signing method (alg) is unspecified'
  if (!knownMethods.has(alg)) return 'token is unverifiable: signing method (alg) is unavailable'
  if (!validMethods.has(alg)) return `token signature is invalid: signing method ${alg} is invalid`
  return null
}

/** jose's verdict on a well-formed token, in golang-jwt's words. */
export function verificationMessage(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'token has invalid claims: token is expired'
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf') return 'token has invalid claims: token is not valid yet'
  if (error instanceof errors.JWTClaimValidationFailed) return 'token has invalid claims: token is malformed'
  if (error instanceof errors.JWKSNoMatchingKey) return 'token is unverifiable: error while executing keyfunc: unrecognized JWT kid'
  return 'token signature is invalid: signature is invalid'
}
