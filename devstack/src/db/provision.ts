// Brings a cluster to the state a real Supabase project has: platform schema (devstack only), the
// project's migrations through the real Supabase CLI, then the demo seed. Reset = drop cluster →
// bootstrap → migrations → seed.
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type DevstackConfig, dbUrl } from '../config.ts'
import { CommandError, run } from '../lib/process.ts'

export class ProvisionError extends Error {}

const marker = (config: DevstackConfig, name: string) => join(config.dataDir, name)

/** Runs one SQL file with psql, stopping at the first error and reporting it with its location. */
export function psqlFile(config: DevstackConfig, file: string, user = 'postgres'): void {
  const result = run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', dbUrl(config, user), '-f', file], {
    env: { ...process.env, PGOPTIONS: '--client-min-messages=warning' },
  })
  if (result.status !== 0) {
    throw new ProvisionError(`SQL failed in ${file}:\n${result.stderr.trim() || result.stdout.trim()}`)
  }
}

export function platformFiles(config: DevstackConfig): string[] {
  const dir = join(config.root, 'supabase', 'platform')
  return readdirSync(dir).filter(name => name.endsWith('.sql')).sort().map(name => join(dir, name))
}

/** The platform bootstrap runs once per cluster, as the bootstrap superuser. */
export function applyPlatform(config: DevstackConfig): 'applied' | 'already applied' {
  if (existsSync(marker(config, 'platform-applied'))) return 'already applied'
  for (const file of platformFiles(config)) psqlFile(config, file, 'supabase_admin')
  writeFileSync(marker(config, 'platform-applied'), `${new Date().toISOString()}\n`)
  return 'applied'
}

/** `supabase migration up` records each migration in supabase_migrations as on a real Supabase. */
export function applyMigrations(config: DevstackConfig): string {
  const supabaseCli = join(config.root, 'node_modules', '.bin', 'supabase')
  const result = run(supabaseCli, ['migration', 'up', '--db-url', `${dbUrl(config)}?sslmode=disable`], {
    cwd: config.root,
    env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  })
  const output = `${result.stdout}${result.stderr}`.trim()
  if (result.status !== 0) throw new ProvisionError(`Migrations failed:\n${output}`)
  return output
}

/** The seed runs once per cluster, right after the first migration run. */
export function applySeed(config: DevstackConfig): 'applied' | 'already applied' | 'no seed' {
  if (existsSync(marker(config, 'seed-applied'))) return 'already applied'
  const seed = join(config.root, 'supabase', 'seed.sql')
  if (!existsSync(seed)) return 'no seed'
  psqlFile(config, seed)
  writeFileSync(marker(config, 'seed-applied'), `${new Date().toISOString()}\n`)
  return 'applied'
}

export { CommandError }
