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
  constructor(status: number, code: string, message: string, extra: Record<string, unknown> = {}) {
    super(message)
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
export const internalError = (message: string) => new AuthError(500, 'unexpected_failure', message)

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
  sendJson(res, error.status, { code: error.status, error_code: error.code, msg: error.message, ...error.extra }, headers)
}
