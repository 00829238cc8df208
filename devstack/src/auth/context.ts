// What every Auth handler works with: settings, the database as supabase_auth_admin, signing
// keys, limiters and the mailer.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { isIP } from 'node:net'
import type { Sql } from 'postgres'
import { clientIp, PayloadTooLargeError, readJson } from '../shared/http.ts'
import type { JwtKeys } from '../shared/jwt.ts'
import { AuthError, badRequest } from './errors.ts'
import type { AuthMailer } from './mailer.ts'
import type { Limiters } from './ratelimit.ts'
import type { AuthSettings } from './settings.ts'

export interface AuthService {
  settings: AuthSettings
  sql: Sql
  jwt: JwtKeys
  limiters: Limiters
  mailer: AuthMailer
  /** Last accepted TOTP time step per factor, so a code works once (GoTrue keeps no such record). */
  usedTotpSteps: Map<string, number>
}

export interface RequestContext {
  req: IncomingMessage
  res: ServerResponse
  url: URL
  params: Record<string, string>
  /** The caller's address: the first X-Forwarded-For entry (as GoTrue behind Kong sees it), else the socket. */
  ip: string
  body: () => Promise<Record<string, unknown>>
}

/** GoTrue reads at most 1 MiB of any request body (limitRequestBody in api.go). */
const maxBodyBytes = 1 << 20

export function requestContext(req: IncomingMessage, res: ServerResponse, path: string): RequestContext {
  const forwarded = req.headers['x-forwarded-for']
  const firstForwarded = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim()
  let parsed: Promise<Record<string, unknown>> | undefined
  return {
    req,
    res,
    url: new URL(path, 'http://auth.local'),
    params: {},
    ip: firstForwarded && isIP(firstForwarded) ? firstForwarded : clientIp(req),
    body: () => {
      parsed ??= readJson<unknown>(req, maxBodyBytes).then(
        value => (value && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {}),
        (error) => {
          if (error instanceof PayloadTooLargeError) {
            // As Go's MaxBytesReader: the rest of the body is never read, so the connection ends.
            res.setHeader('Connection', 'close')
            throw new AuthError(413, 'request_entity_too_large', `Request body too large (max ${maxBodyBytes} bytes)`)
          }
          throw badRequest('bad_json', 'Could not parse request body as JSON')
        },
      )
      return parsed
    },
  }
}

export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A string field of a JSON body ('' when absent or not a string). */
export const stringField = (body: Record<string, unknown>, key: string): string => {
  const value = body[key]
  return typeof value === 'string' ? value : ''
}

export const objectField = (body: Record<string, unknown>, key: string): Record<string, unknown> | null => {
  const value = body[key]
  return value && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : null
}
