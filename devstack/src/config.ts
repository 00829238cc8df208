// One typed view of the settings the devstack shares with a real Supabase: supabase/config.toml
// plus environment overrides. Ports can be shifted as a block so several checkouts (or the dev and
// the test instance) run side by side.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parse } from 'smol-toml'

export const projectRoot = resolve(import.meta.dirname, '..', '..')

/** The Supabase CLI's well-known local development secrets (pkg/config/apikeys.go). Never for production. */
export const localDevKeys = {
  jwtSecret: 'super-secret-jwt-token-with-at-least-32-characters-long',
  anonKey:
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0',
  serviceRoleKey:
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU',
  publishableKey: 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH',
  secretKey: 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz',
  dbPassword: 'postgres',
} as const

export type SupabaseToml = Record<string, unknown>

/**
 * Reads supabase/config.toml and resolves `env(NAME)` values as the Supabase CLI does. A TOML file
 * named by DEVSTACK_CONFIG_OVERRIDE is merged over it (devstack only: e.g. to try a hook without
 * editing config.toml).
 */
export function readSupabaseToml(root = projectRoot, overridePath = process.env.DEVSTACK_CONFIG_OVERRIDE): SupabaseToml {
  const base = parse(readFileSync(join(root, 'supabase', 'config.toml'), 'utf8'))
  const merged = overridePath ? mergeToml(base, parse(readFileSync(resolve(root, overridePath), 'utf8'))) : base
  return resolveEnvRefs(merged) as SupabaseToml
}

/** Tables merge key by key; any other value of the override replaces the base's. */
export function mergeToml(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key]
    const isTable = (candidate: unknown) => Boolean(candidate) && typeof candidate === 'object' && !Array.isArray(candidate) && !(candidate instanceof Date)
    merged[key] = isTable(current) && isTable(value) ? mergeToml(current as Record<string, unknown>, value as Record<string, unknown>) : value
  }
  return merged
}

function resolveEnvRefs(value: unknown): unknown {
  if (typeof value === 'string') {
    const match = /^env\((\w+)\)$/.exec(value)
    return match ? (process.env[match[1]!] ?? '') : value
  }
  if (Array.isArray(value)) return value.map(resolveEnvRefs)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveEnvRefs(v)]))
  }
  return value
}

/** Reads a dotted path (`auth.mfa.totp.enroll_enabled`) from the parsed TOML. */
export function tomlValue<T>(toml: SupabaseToml, path: string, fallback: T): T {
  let node: unknown = toml
  for (const key of path.split('.')) {
    if (!node || typeof node !== 'object' || !(key in node)) return fallback
    node = (node as Record<string, unknown>)[key]
  }
  return (node ?? fallback) as T
}

export type Instance = 'dev' | 'test' | (string & {})

export interface DevstackConfig {
  root: string
  instance: Instance
  portOffset: number
  ports: { api: number, db: number, inbox: number, smtp: number, app: number }
  dataDir: string
  pgDataDir: string
  storageDir: string
  jwtSecret: string
  anonKey: string
  serviceRoleKey: string
  publishableKey: string
  secretKey: string
  dbPassword: string
  apiUrl: string
  siteUrl: string
  /** DEVSTACK_TRUSTED_PROXIES: peers whose X-Forwarded-For the gateway keeps (gateway/forwarding.ts). */
  trustedProxies: string[]
  toml: SupabaseToml
}

/**
 * The test instance keeps its own data folder and ports (+1000), so `make test` never touches the
 * database a developer is working with in `make dev`. DEVSTACK_PORT_OFFSET shifts both further.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, root = projectRoot): DevstackConfig {
  const toml = readSupabaseToml(root, env.DEVSTACK_CONFIG_OVERRIDE)
  const instance: Instance = env.DEVSTACK_INSTANCE || 'dev'
  const portOffset = Number(env.DEVSTACK_PORT_OFFSET || 0) + (instance === 'test' ? 1000 : 0)
  if (!Number.isInteger(portOffset) || portOffset < 0 || portOffset > 9000) {
    throw new Error(`DEVSTACK_PORT_OFFSET must be a whole number from 0 to 8000, got ${env.DEVSTACK_PORT_OFFSET}`)
  }
  const ports = {
    api: tomlValue(toml, 'api.port', 54321) + portOffset,
    db: tomlValue(toml, 'db.port', 54322) + portOffset,
    inbox: tomlValue(toml, 'local_smtp.port', 54324) + portOffset,
    smtp: tomlValue(toml, 'local_smtp.smtp_port', 54325) + portOffset,
    app: 3000 + portOffset,
  }
  const siteUrl = new URL(tomlValue(toml, 'auth.site_url', 'http://127.0.0.1:3000'))
  if (portOffset && siteUrl.hostname === '127.0.0.1') siteUrl.port = String(ports.app)
  const dataDir = join(root, '.data', instance)
  return {
    root,
    instance,
    portOffset,
    ports,
    dataDir,
    pgDataDir: join(dataDir, 'postgres'),
    storageDir: join(dataDir, 'storage'),
    jwtSecret: env.SUPABASE_JWT_SECRET || localDevKeys.jwtSecret,
    anonKey: env.SUPABASE_ANON_KEY || localDevKeys.anonKey,
    serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY || localDevKeys.serviceRoleKey,
    publishableKey: env.SUPABASE_PUBLISHABLE_KEY || localDevKeys.publishableKey,
    secretKey: env.SUPABASE_SECRET_KEY || localDevKeys.secretKey,
    dbPassword: localDevKeys.dbPassword,
    apiUrl: `http://127.0.0.1:${ports.api}`,
    siteUrl: siteUrl.toString().replace(/\/$/, ''),
    trustedProxies: (env.DEVSTACK_TRUSTED_PROXIES ?? '').split(',').map(entry => entry.trim()).filter(Boolean),
    toml,
  }
}

/** Connection URL for one of the cluster's login roles (all use the local development password). */
export function dbUrl(config: DevstackConfig, user = 'postgres'): string {
  return `postgresql://${user}:${config.dbPassword}@127.0.0.1:${config.ports.db}/postgres`
}
