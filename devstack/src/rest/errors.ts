// PostgREST's error contract (Error.hs, written anew): the body `{code, details, hint, message}`,
// PostgREST's own PGRST codes, and the SQLSTATE → HTTP status mapping for database errors.
import type { ServerResponse } from 'node:http'

export class RestError extends Error {
  status: number
  code: string
  details: unknown
  hint: unknown
  headers: Record<string, string>
  /** Reason phrase when PostgREST sends its own (`PT402` uses the message, `PGRST` raises may set one). */
  statusText?: string
  constructor(status: number, code: string, message: string, details: unknown = null, hint: unknown = null, headers: Record<string, string> = {}) {
    super(message)
    this.status = status
    this.code = code
    this.details = details
    this.hint = hint
    this.headers = headers
  }
}

/** The fields postgres.js puts on a server error. */
interface PgServerError {
  code: string
  message: string
  detail?: string
  hint?: string
}

export function isPgServerError(error: unknown): error is PgServerError {
  return error instanceof Error && error.name === 'PostgresError' && typeof (error as { code?: unknown }).code === 'string'
}

/** Status for a SQLSTATE; `authenticated` decides 42501 (403 for a signed-in role, 401 for anon). */
export function statusForSqlState(code: string, message: string, authenticated: boolean): number {
  const exact: Record<string, number> = {
    '23503': 409,
    '23505': 409,
    '25006': 405,
    '53400': 500,
    '57P01': 503,
    'P0001': 400,
    '42P01': 404,
    '42P17': 500,
  }
  if (code in exact) return exact[code]!
  // pg-safeupdate's refusal is the client's fault; other cardinality violations are server bugs.
  if (code === '21000') return message.endsWith('requires a WHERE clause') ? 400 : 500
  // A JWT role that does not exist.
  if (code === '22023') return message.startsWith('role') && message.endsWith('does not exist') ? 401 : 400
  if (code === '42883') return message.startsWith('function xmlagg(') ? 406 : 404
  if (code === '42501') return authenticated ? 403 : 401
  if (code.startsWith('PT')) {
    const status = Number(code.slice(2))
    return Number.isInteger(status) && status >= 100 && status <= 599 ? status : 500
  }
  const byClass: Record<string, number> = {
    '08': 503, '09': 500, '0L': 403, '0P': 403, '25': 500, '28': 403, '2D': 500, '38': 500, '39': 500, '3B': 500,
    '40': 500, '53': 503, '54': 500, '55': 500, '57': 500, '58': 500, 'F0': 500, 'HV': 500, 'P0': 500, 'XX': 500,
  }
  return byClass[code.slice(0, 2)] ?? 400
}

/** A database error as PostgREST answers it, including `RAISE SQLSTATE 'PGRST'` full control. */
export function fromPgError(error: PgServerError, authenticated: boolean): RestError {
  if (error.code === 'PGRST') return fromRaisePgrst(error)
  const status = statusForSqlState(error.code, error.message, authenticated)
  const headers: Record<string, string> = status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {}
  const restError = new RestError(status, error.code, error.message, error.detail ?? null, error.hint ?? null, headers)
  if (error.code.startsWith('PT') && status !== 500) restError.statusText = error.message
  return restError
}

function fromRaisePgrst(error: PgServerError): RestError {
  let body: { code?: unknown, message?: unknown, details?: unknown, hint?: unknown }
  try {
    body = JSON.parse(error.message) as typeof body
    if (typeof body !== 'object' || body === null || typeof body.code !== 'string' || typeof body.message !== 'string') throw new Error('shape')
  }
  catch {
    return new RestError(500, 'PGRST121', 'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error', `Invalid JSON value for MESSAGE: '${error.message}'`,
      'MESSAGE must be a JSON object with obligatory keys: \'code\', \'message\' and optional keys: \'details\', \'hint\'.')
  }
  if (error.detail === undefined) {
    return new RestError(500, 'PGRST121', 'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error', 'DETAIL is missing in the RAISE statement',
      'DETAIL must be a JSON object with obligatory keys: \'status\', \'headers\' and optional key: \'status_text\'.')
  }
  let detail: { status?: unknown, headers?: unknown, status_text?: unknown }
  try {
    detail = JSON.parse(error.detail) as typeof detail
    if (typeof detail.status !== 'number' || typeof detail.headers !== 'object' || detail.headers === null) throw new Error('shape')
  }
  catch {
    return new RestError(500, 'PGRST121', 'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error', `Invalid JSON value for DETAIL: '${error.detail}'`,
      'DETAIL must be a JSON object with obligatory keys: \'status\', \'headers\' and optional key: \'status_text\'.')
  }
  const headers = Object.fromEntries(Object.entries(detail.headers as Record<string, unknown>).map(([key, value]) => [key, String(value)]))
  const restError = new RestError(detail.status, body.code as string, body.message as string, body.details ?? null, body.hint ?? null, headers)
  if (typeof detail.status_text === 'string') restError.statusText = detail.status_text
  return restError
}

export function sendError(res: ServerResponse, error: RestError): void {
  const body = JSON.stringify({ code: error.code, details: error.details ?? null, hint: error.hint ?? null, message: error.message })
  const reason = error.statusText?.replace(/[^\t\x20-\x7e]/g, '')
  const headers = {
    ...error.headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Proxy-Status': `PostgREST; error=${error.code}`,
  }
  if (reason) res.writeHead(error.status, reason, headers)
  else res.writeHead(error.status, headers)
  res.end(body)
}

/** Levenshtein similarity (1 − distance / longer length), the score PostgREST's fuzzy hints use. */
export function similarity(a: string, b: string): number {
  if (a === b) return 1
  const longer = Math.max(a.length, b.length)
  if (longer === 0) return 1
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return 1 - previous[b.length]! / longer
}

/** The closest candidate scoring at least `minScore` (PostgREST: 0.75 for names, 0.33 for parameters). */
export function closest(needle: string, candidates: Iterable<string>, minScore: number): string | undefined {
  let best: string | undefined
  let bestScore = minScore
  for (const candidate of candidates) {
    const score = similarity(needle.toLowerCase(), candidate.toLowerCase())
    if (score >= bestScore && (best === undefined || score > bestScore)) {
      best = candidate
      bestScore = score
    }
  }
  return best
}
