// The Supabase CLI gateway's key handling (start.go → Kong request-transformer): an existing
// non-`sb_` Authorization passes through; otherwise the apikey decides. The new-format keys are
// translated to the legacy anon/service_role JWTs; a missing key means an anonymous request.
import type { IncomingHttpHeaders } from 'node:http'
import type { DevstackConfig } from '../config.ts'

export function translateAuthorization(headers: IncomingHttpHeaders, config: DevstackConfig, queryApiKey?: string | null): string | undefined {
  const authorization = headers.authorization
  if (authorization && !/^Bearer sb_/i.test(authorization)) return authorization
  const apiKey = firstValue(headers.apikey) ?? queryApiKey ?? authorization?.replace(/^Bearer\s+/i, '')
  if (!apiKey) return undefined
  return `Bearer ${translateApiKey(apiKey, config)}`
}

/** sb_secret_ → service_role JWT, sb_publishable_ → anon JWT, anything else is used as it is. */
export function translateApiKey(apiKey: string, config: DevstackConfig): string {
  if (apiKey === config.secretKey) return config.serviceRoleKey
  if (apiKey === config.publishableKey) return config.anonKey
  return apiKey
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
