// Where a queued pg_net request may go. The devstack sends only to this machine's loopback
// addresses; the Supabase CLI's in-Docker names for its gateway are mapped to the devstack's API
// origin, so a `project_url` written for `supabase start` works here unchanged.
import { isIPv4 } from 'node:net'
import { type DevstackConfig, tomlValue } from '../config.ts'

export type Target = { url: URL } | { error: string }

/** host:port of the CLI's gateway as the database container reaches it (start.go, kong aliases). */
function gatewayAliases(config: DevstackConfig): Set<string> {
  const cliApiPort = tomlValue(config.toml, 'api.port', 54321)
  return new Set(['kong:8000', 'api.supabase.internal:8000', `host.docker.internal:${cliApiPort}`])
}

export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true
  return isIPv4(hostname) && hostname.startsWith('127.')
}

export function resolveTarget(rawUrl: string, config: DevstackConfig): Target {
  let url: URL
  try {
    url = new URL(rawUrl)
  }
  catch {
    return { error: 'URL using bad/illegal format or missing URL' }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { error: 'Unsupported protocol' }
  }
  if (gatewayAliases(config).has(url.host)) {
    const api = new URL(config.apiUrl)
    url.protocol = api.protocol
    url.host = api.host
  }
  else if (url.hostname === 'host.docker.internal') {
    url.hostname = '127.0.0.1'
  }
  if (!isLoopbackHost(url.hostname)) {
    return { error: `devstack: ${url.hostname} is not a loopback address, so the request was not sent (the devstack only calls 127.0.0.0/8, ::1 and localhost)` }
  }
  return { url }
}
