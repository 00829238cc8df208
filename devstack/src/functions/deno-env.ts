// Where Deno keeps the edge functions' npm packages and how it reaches the registry. Installing
// (`make deps`), the workers and the Deno tests all use this, so they share one project-local
// cache and trust the same certificates as the machine's npm.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { run } from '../lib/process.ts'

export const denoBinary = (root: string) => join(root, 'node_modules', '.bin', 'deno')

/** The project's own cache (git-ignored), unless DENO_DIR names another one. */
export const denoCacheDir = (root: string, env: NodeJS.ProcessEnv = process.env) =>
  env.DENO_DIR || join(root, '.cache', 'deno')

/** Settings that npm reads from its config files (user, machine-wide, env), which Deno never reads itself. */
interface NpmNetworkSettings { cafile?: string, registry?: string, httpsProxy?: string }

let npmSettings: NpmNetworkSettings | undefined

function readNpmNetworkSettings(): NpmNetworkSettings {
  if (npmSettings) return npmSettings
  const settings: NpmNetworkSettings = {}
  try {
    // From / so the project's devEngines cannot refuse the call; the Makefile passes the machine-wide npmrc.
    const { status, stdout } = run('npm', ['config', 'get', 'cafile', 'registry', 'https-proxy'], { cwd: '/' })
    if (status === 0) {
      const values: Record<string, string> = {}
      for (const line of stdout.split('\n')) {
        const match = /^([\w-]+)=(.+)$/.exec(line.trim())
        if (match && match[2] !== 'null' && match[2] !== 'undefined') values[match[1]!] = match[2]!
      }
      settings.cafile = values.cafile
      settings.registry = values.registry
      settings.httpsProxy = values['https-proxy']
    }
  }
  catch {
    // No npm on PATH: Deno's and the system's certificate stores still apply.
  }
  npmSettings = settings
  return settings
}

const defaultRegistry = 'https://registry.npmjs.org/'

/**
 * The environment Deno needs for npm packages: the cache, the Mozilla and the system certificate
 * stores (a proxy's or firm's own CA lives in the latter), npm's `cafile`, registry and proxy.
 * Explicit DENO_* / NPM_CONFIG_REGISTRY / HTTPS_PROXY settings of the caller win.
 */
export function denoEnvironment(root: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const npm = readNpmNetworkSettings()
  const result: Record<string, string> = {
    DENO_DIR: denoCacheDir(root, env),
    DENO_TLS_CA_STORE: env.DENO_TLS_CA_STORE || 'mozilla,system',
    DENO_NO_UPDATE_CHECK: '1',
  }
  const cert = env.DENO_CERT || npm.cafile
  if (cert && existsSync(cert)) result.DENO_CERT = cert
  const registry = env.NPM_CONFIG_REGISTRY || env.npm_config_registry || npm.registry
  if (registry && registry !== defaultRegistry) result.NPM_CONFIG_REGISTRY = registry
  const proxy = env.HTTPS_PROXY || env.https_proxy || npm.httpsProxy
  if (proxy) result.HTTPS_PROXY = proxy
  return result
}
