// The gateway's key handling, as the self-hosted Supabase's Kong does it (docker/volumes/api/kong.yml
// and kong-entrypoint.sh; the CLI's kong.yml uses the same expression without key-auth):
// - key-auth on Auth (except its open routes), REST and Realtime: the `apikey` header (or query
//   parameter) must be one of the project's keys, else 401 with Kong's words;
// - request-transformer: an Authorization that is not `Bearer sb_…` passes unchanged; otherwise the
//   new-format keys become the legacy JWTs and any other `apikey` header is copied as it is (no
//   `Bearer ` is added, so an apikey alone never authenticates a call to Auth, REST or Functions).
import type { IncomingMessage } from 'node:http'
import type { DevstackConfig } from '../config.ts'

export function kongAuthorization(req: IncomingMessage, config: DevstackConfig): string | undefined {
  const authorization = firstValue(req.headersDistinct.authorization)
  if (authorization !== undefined && !authorization.startsWith('Bearer sb_')) return authorization
  const apiKey = firstValue(req.headersDistinct.apikey)
  if (apiKey === config.secretKey) return `Bearer ${config.serviceRoleKey}`
  if (apiKey === config.publishableKey) return `Bearer ${config.anonKey}`
  return apiKey
}

/** sb_secret_ → service_role JWT, sb_publishable_ → anon JWT, anything else is used as it is (Realtime's query token). */
export function translateApiKey(apiKey: string, config: DevstackConfig): string {
  if (apiKey === config.secretKey) return config.serviceRoleKey
  if (apiKey === config.publishableKey) return config.anonKey
  return apiKey
}

export interface KeyRefusal { status: 401, message: string, headers: Record<string, string> }

/**
 * Kong 2.8's key-auth plugin (kong/plugins/key-auth/handler.lua): the key from the `apikey` header,
 * else from the query string; the project's four keys are its only credentials.
 */
export function keyAuthRefusal(req: IncomingMessage, query: URLSearchParams, config: DevstackConfig): KeyRefusal | null {
  const fromHeader = req.headersDistinct.apikey
  const fromQuery = query.getAll('apikey')
  const candidates = fromHeader ?? (fromQuery.length ? fromQuery : undefined)
  if (candidates && candidates.length > 1) return { status: 401, message: 'Duplicate API key found', headers: {} }
  const key = candidates?.[0]
  if (!key) return { status: 401, message: 'No API key found in request', headers: { 'WWW-Authenticate': 'Key realm="kong"' } }
  const known = [config.anonKey, config.serviceRoleKey, config.publishableKey, config.secretKey]
  return known.includes(key) ? null : { status: 401, message: 'Invalid authentication credentials', headers: {} }
}

function firstValue(values: string[] | undefined): string | undefined {
  return values?.[0]
}
