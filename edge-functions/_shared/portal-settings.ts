// What every function that links back to the portal reads from its environment (secrets on
// Supabase, edge-functions/.env or the devstack locally).
export type Env = (name: string) => string | undefined

export interface PortalSettings {
  /** The portal's origin, without a trailing slash. */
  siteUrl: string
  firmName: string
  timeZone: string
}

export const defaultFirmName = 'Kanzlei Weber & Partner'

export function requiredEnv(env: Env, ...names: string[]): string {
  for (const name of names) {
    const value = env(name)?.trim()
    if (value) return value
  }
  throw new Error(`${names.join(' or ')} is not set`)
}

export function portalSettings(env: Env): PortalSettings {
  return {
    siteUrl: requiredEnv(env, 'PORTAL_URL', 'SITE_URL').replace(/\/+$/, ''),
    firmName: env('PORTAL_FIRM_NAME')?.trim() || defaultFirmName,
    timeZone: env('PORTAL_TIME_ZONE')?.trim() || 'Europe/Berlin',
  }
}
