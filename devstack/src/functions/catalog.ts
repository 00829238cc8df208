// Which edge functions exist and how each one runs, decided as the Supabase CLI decides it: one
// folder per function under edge-functions/ (folders starting with `_` or `.` are shared code),
// `[functions.<name>]` in config.toml for `enabled`, `verify_jwt` (default true), `entrypoint`
// and `import_map` (paths relative to supabase/), and the environment a function gets.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseEnv } from 'node:util'
import { type DevstackConfig, dbUrl, tomlValue } from '../config.ts'
import type { JwtKeys } from '../shared/jwt.ts'
import { smtpEnv } from '../shared/smtp.ts'
import { denoEnvironment } from './deno-env.ts'

export interface EdgeFunction {
  name: string
  /** Absolute path of the module the worker imports. */
  entrypoint: string
  verifyJwt: boolean
  /** deno.json the worker runs with: the function's own, the configured import map, or the shared one. */
  denoConfig: string
}

interface FunctionSettings {
  enabled?: boolean
  verify_jwt?: boolean
  entrypoint?: string
  import_map?: string
}

const validName = /^[A-Za-z0-9][A-Za-z0-9_-]*$/

export function functionsRoot(config: DevstackConfig): string {
  return join(config.root, 'edge-functions')
}

/** The function a request names, or null when there is none (unknown, disabled, no entrypoint). */
export function findFunction(config: DevstackConfig, name: string, root = functionsRoot(config)): EdgeFunction | null {
  if (!validName.test(name)) return null
  const settings = tomlValue<FunctionSettings>(config.toml, `functions.${name}`, {})
  if (settings.enabled === false) return null
  const supabaseDir = join(config.root, 'supabase')
  const entrypoint = settings.entrypoint ? resolve(supabaseDir, settings.entrypoint) : join(root, name, 'index.ts')
  if (!existsSync(entrypoint)) return null
  const ownConfig = join(root, name, 'deno.json')
  const denoConfig = existsSync(ownConfig)
    ? ownConfig
    : settings.import_map ? resolve(supabaseDir, settings.import_map) : join(root, 'deno.json')
  return { name, entrypoint, verifyJwt: settings.verify_jwt ?? true, denoConfig }
}

/** Names of the functions in the folder (for the start-up banner). */
export function listFunctions(config: DevstackConfig, root = functionsRoot(config)): string[] {
  if (!existsSync(root)) return []
  return readdirSync(root)
    .filter(name => statSync(join(root, name)).isDirectory() && findFunction(config, name, root))
    .sort()
}

/**
 * Secrets for the functions: `[edge_runtime.secrets]` in config.toml, then edge-functions/.env
 * (git-ignored; the CLI's equivalent is `supabase functions serve --env-file edge-functions/.env`).
 * Names starting with SUPABASE_ are reserved for the platform and skipped, as the CLI does.
 */
export function readSecrets(config: DevstackConfig, root = functionsRoot(config)): Record<string, string> {
  const fromToml = tomlValue<Record<string, unknown>>(config.toml, 'edge_runtime.secrets', {})
  const envFile = join(root, '.env')
  const fromFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, 'utf8')) : {}
  const secrets: Record<string, string> = {}
  for (const [name, value] of Object.entries({ ...fromToml, ...fromFile })) {
    if (!name.startsWith('SUPABASE_') && value !== undefined) secrets[name] = String(value)
  }
  return secrets
}

/** What Deno itself needs from the devstack's environment (cache, npm registry, proxies, certificates). */
const passedThrough = /^(HOME|PATH|TMPDIR|TZ|LANG|DENO_\w+|NPM_CONFIG_\w+|HTTPS?_PROXY|NO_PROXY|SSL_CERT_\w+|NODE_EXTRA_CA_CERTS)$/i

/**
 * The environment of every worker, as `supabase functions serve` sets it (serve.go), pointed at
 * this devstack: API origin, keys, direct database URL, JWKS, plus the devstack's SMTP sink
 * (SMTP_HOST/SMTP_PORT win over secrets, so no mail leaves the machine). Defaults that secrets may
 * override: the portal's URL (auth site_url, as self-hosted Supabase's SITE_URL) and the sender
 * address of `[local_smtp]`.
 */
export function functionEnv(config: DevstackConfig, jwt: JwtKeys, root = functionsRoot(config)): Record<string, string> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => passedThrough.test(entry[0]) && entry[1] !== undefined),
  )
  return {
    ...inherited,
    ...denoEnvironment(config.root),
    SITE_URL: config.siteUrl,
    SMTP_ADMIN_EMAIL: tomlValue(config.toml, 'local_smtp.admin_email', 'portal@localhost'),
    ...readSecrets(config, root),
    SUPABASE_URL: config.apiUrl,
    SUPABASE_ANON_KEY: config.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: config.serviceRoleKey,
    SUPABASE_DB_URL: dbUrl(config, 'postgres'),
    SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: config.publishableKey }),
    SUPABASE_SECRET_KEYS: JSON.stringify({ default: config.secretKey }),
    SUPABASE_JWKS: JSON.stringify(jwt.jwks),
    ...smtpEnv(config),
    NO_COLOR: '1',
  }
}
