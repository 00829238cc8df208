// GoTrue's error contract (internal/api/errors.go): clients sending `X-Supabase-Api-Version` of
// 2024-01-01 or later get `{code, message}` and the version echoed back (auth-js only reads `code`
// when it sees that echo); older clients get `{code: <status>, error_code, msg}`.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { sendJson } from '../shared/http.ts'

export const apiVersionHeader = 'X-Supabase-Api-Version'
const firstVersionWithCodes = '2024-01-01'

export class AuthError extends Error {
  status: number
  code: string
  extra: Record<string, unknown>
  constructor(status: number, code: string, message: string, extra: Record<string, unknown> = {}, cause?: unknown) {
    super(message, { cause })
    this.status = status
    this.code = code
    this.extra = extra
  }
}

export const badRequest = (code: string, message: string) => new AuthError(400, code, message)
export const unauthorized = (code: string, message: string) => new AuthError(401, code, message)
export const forbidden = (code: string, message: string) => new AuthError(403, code, message)
export const notFound = (code: string, message: string) => new AuthError(404, code, message)
export const unprocessable = (code: string, message: string) => new AuthError(422, code, message)
export const tooManyRequests = (code: string, message: string) => new AuthError(429, code, message)
export const internalError = (message: string, cause?: unknown) => new AuthError(500, 'unexpected_failure', message, {}, cause)

/**
 * A database step of a handler, wrapped as GoTrue wraps it: a failure (e.g. a trigger refusing
 * the write) becomes a 500 with GoTrue's message for that step; refusals of our own pass.
 */
export async function databaseStep<T>(message: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step()
  }
  catch (error) {
    if (error instanceof AuthError) throw error
    throw internalError(message, error)
  }
}

interface PostgresFailure { code: string, message: string, detail?: string, hint?: string }

/**
 * The Postgres errors GoTrue shows legacy clients instead of its own message
 * (utilities.NewPostgresError): raise_exception and integrity violations as 500, `PTnnn` as nnn.
 */
function publishedPostgresError(cause: unknown): { status: number, body: PostgresFailure } | null {
  const failure = cause as Partial<PostgresFailure> | undefined
  if (!failure || typeof failure.code !== 'string' || failure.code.length !== 5 || typeof failure.message !== 'string') return null
  const statusFromCode = /^PT\d{3}$/.test(failure.code) ? Number(failure.code.slice(2)) : 0
  const status = ['P0001', '23000', '23001', '23502', '23503', '23505', '23514', '23P01'].includes(failure.code) ? 500 : statusFromCode
  if (!status) return null
  return { status, body: { code: failure.code, message: failure.message, ...(failure.hint ? { hint: failure.hint } : {}), ...(failure.detail ? { detail: failure.detail } : {}) } }
}

/** Parts of GoTrue the devstack leaves out answer this instead of pretending. */
export const notImplemented = (what: string) =>
  new AuthError(501, 'not_implemented', `${what} is not implemented by the devstack Auth (see devstack/README.md)`)

function requestApiVersion(req: IncomingMessage): string | null {
  const header = req.headers[apiVersionHeader.toLowerCase()]
  const value = Array.isArray(header) ? header[0] : header
  return value && /^2\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(value) ? value : null
}

export function sendAuthError(req: IncomingMessage, res: ServerResponse, error: AuthError): void {
  const version = requestApiVersion(req)
  const headers: Record<string, string> = { 'x-sb-error-code': error.code }
  if (version && version >= firstVersionWithCodes) {
    headers[apiVersionHeader] = firstVersionWithCodes
    sendJson(res, error.status, { code: error.code, message: error.message, ...error.extra }, headers)
    return
  }
  const published = publishedPostgresError(error.cause)
  if (published) {
    sendJson(res, published.status, published.body, headers)
    return
  }
  sendJson(res, error.status, { code: error.status, error_code: error.code, msg: error.message, ...error.extra }, headers)
}
