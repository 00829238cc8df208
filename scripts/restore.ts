// `make restore`: restores a backup point into an empty instance and starts the restored portal.
// Without DB_URL the target is the devstack instance `restore` (ports + 2100, data in
// .data/restore/, replaced on every run): a fresh cluster with the platform schema only, as a new
// Supabase would have. With DB_URL (a superuser connection) and STORAGE_DIR it restores into any
// empty self-hosted Supabase. The restore itself is edge-functions/backup/restore/ (Deno).
//
//   make restore [IDENTITY=<age key file>] [TARGET=<backup_target JSON file>] [AT=latest|<run>|<time>]
//                [EXPECT=<manifest sha256>] [DB_URL=… STORAGE_DIR=…]
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { dbUrl, type DevstackConfig, loadConfig } from '../devstack/src/config.ts'
import { createCluster, deleteInstanceData, ensureSystemPackages, startCluster } from '../devstack/src/db/cluster.ts'
import { applyPlatform } from '../devstack/src/db/provision.ts'
import { denoBinary, denoEnvironment } from '../devstack/src/functions/deno-env.ts'
import { startApiInBackground, startAppInBackground, stopApi, stopApp } from '../devstack/src/lifecycle.ts'
import { runStreaming } from '../tests/helpers/command.ts'

/**
 * The devstack instance a restore goes to, ports shifted past dev (+0) and test (+1000) to an odd
 * hundred: checkouts side by side use offsets in steps of 200, so even hundreds are theirs.
 */
export function restoreInstance(name = 'restore', extraOffset = 2100): DevstackConfig {
  const offset = Number(process.env.DEVSTACK_PORT_OFFSET || 0) + extraOffset
  return loadConfig({ ...process.env, DEVSTACK_INSTANCE: name, DEVSTACK_PORT_OFFSET: String(offset) })
}

/** A new cluster with only the Supabase platform schema; the seed never runs on it. */
export async function prepareEmptyInstance(config: DevstackConfig): Promise<void> {
  ensureSystemPackages()
  await stopApp(config)
  await stopApi(config)
  deleteInstanceData(config)
  createCluster(config)
  await startCluster(config)
  applyPlatform(config)
  writeFileSync(join(config.dataDir, 'seed-applied'), 'restored from a backup: no demo data\n')
}

export interface RestoreRun { code: number, output: string }

/** Runs the Deno restore (see its main.ts for the arguments). */
export async function runRestore(root: string, args: string[], options: { quiet?: boolean } = {}): Promise<RestoreRun> {
  return await runStreaming(denoBinary(root), [
    'run', '-A', '--cached-only', '--frozen', '--config', join(root, 'edge-functions', 'deno.json'),
    join(root, 'edge-functions', 'backup', 'restore', 'main.ts'), ...args,
  ], { cwd: join(root, 'edge-functions'), env: { ...denoEnvironment(root), NO_COLOR: '1' }, quiet: options.quiet })
}

/** What the restored portal needs to run on the devstack: Vault secrets for its scheduled jobs. */
export async function finishDevstackInstance(config: DevstackConfig): Promise<void> {
  const sql = postgres(dbUrl(config, 'supabase_admin'), { max: 1, onnotice: () => {} })
  try {
    await sql`select vault.create_secret('http://api.supabase.internal:8000', 'project_url') where not exists (select 1 from vault.secrets where name = 'project_url')`
    await sql`select vault.create_secret(${config.serviceRoleKey}, 'service_role_key') where not exists (select 1 from vault.secrets where name = 'service_role_key')`
  }
  finally {
    await sql.end()
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'target': { type: 'string' },
      'identity': { type: 'string' },
      'at': { type: 'string' },
      'expect-manifest': { type: 'string' },
      'db-url': { type: 'string' },
      'storage-dir': { type: 'string' },
      'no-app': { type: 'boolean', default: false },
    },
  })
  const dev = loadConfig()
  const target = values.target || join(dev.dataDir, 'backup-target.json')
  const identity = values.identity || join(dev.dataDir, 'backup-identity.txt')
  for (const [name, file] of [['TARGET', target], ['IDENTITY', identity]] as const) {
    if (!existsSync(file)) {
      console.error(`restore: ${name} ${file} does not exist (make backup-target writes both for the local target; see edge-functions/backup/README.md)`)
      process.exit(2)
    }
  }
  const common = ['--target', target, '--identity', identity, '--at', values.at || 'latest', ...(values['expect-manifest'] ? ['--expect-manifest', values['expect-manifest']] : [])]

  if (values['db-url']) {
    if (!values['storage-dir']) {
      console.error('restore: with DB_URL, STORAGE_DIR names the folder with one folder per bucket')
      process.exit(2)
    }
    const result = await runRestore(dev.root, [...common, '--db-url', values['db-url'], '--storage-dir', values['storage-dir']])
    process.exit(result.code)
  }

  const config = restoreInstance()
  process.env.DEVSTACK_PORT_OFFSET = String(config.portOffset)
  console.log(`Restoring into a new devstack instance "${config.instance}" (data in ${config.dataDir}, replaced)`)
  await prepareEmptyInstance(config)
  const result = await runRestore(dev.root, [...common, '--db-url', dbUrl(config, 'supabase_admin'), '--storage-dir', config.storageDir])
  if (result.code !== 0) process.exit(result.code)
  await finishDevstackInstance(config)
  console.log(`\nAPI (${config.instance}): ${await startApiInBackground(config)} — ${config.apiUrl}`)
  if (!values['no-app']) {
    console.log(`App (${config.instance}): ${await startAppInBackground(config)} — http://127.0.0.1:${config.ports.app}`)
    console.log('Sign in there with an account of the backup. Stop it with `make restore-stop`.')
  }
}

if (import.meta.main) await main()
