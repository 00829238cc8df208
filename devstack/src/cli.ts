// Command line of the devstack, driven by the Makefile: `node devstack/src/cli.ts <command>`.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { uploadDemoFiles } from '../../scripts/demo-files.ts'
import { appBuildDir, serveApp } from '../../scripts/serve-app.ts'
import { loadConfig, dbUrl, type DevstackConfig } from './config.ts'
import { ClusterError, clusterState, createCluster, deleteInstanceData, ensureSystemPackages, startCluster, stopCluster } from './db/cluster.ts'
import { demoLogins, formatDemoLogins } from './db/demo-logins.ts'
import { applyMigrations, applyPlatform, applySeed, ProvisionError } from './db/provision.ts'
import { listFunctions } from './functions/catalog.ts'
import { denoCacheDir } from './functions/deno-env.ts'
import { FunctionsInstallError, installFunctionDependencies } from './functions/install.ts'
import { functionStatusFile, readFunctionStatuses } from './functions/status.ts'
import { runningApi, runningAppPid, startApiInBackground, startAppInBackground, stopApi, stopApp } from './lifecycle.ts'
import { startDevstack } from './server.ts'

async function dbUp(config: DevstackConfig): Promise<void> {
  ensureSystemPackages()
  const fresh = clusterState(config) === 'absent'
  createCluster(config)
  const started = await startCluster(config)
  log(`PostgreSQL 15 (${config.instance}): ${started}${fresh ? ', new cluster' : ''}`)
  if (applyPlatform(config) === 'applied') log('Supabase platform schema applied')
  const migrations = applyMigrations(config)
  log(migrations.split('\n').filter(line => /Applying migration|up to date/i.test(line)).join('\n') || 'Migrations applied')
  const seed = applySeed(config)
  if (seed === 'applied') log('Demo data seeded')
}

function printStatus(config: DevstackConfig): void {
  const api = runningApi(config)
  log(`instance   ${config.instance} (data in ${config.dataDir})`)
  log(`database   ${clusterState(config)} — ${dbUrl(config)}`)
  log(`api        ${api ? `running (pid ${api.pid})` : 'stopped'} — ${config.apiUrl}`)
  for (const line of api?.services ?? []) log(line)
  const appPid = runningAppPid(config)
  log(`app        ${appPid ? `running (pid ${appPid})` : 'stopped'} — http://127.0.0.1:${config.ports.app}`)
}

async function printDemoLogins(config: DevstackConfig): Promise<void> {
  const logins = await demoLogins(dbUrl(config))
  if (logins.length > 0) log(`\n${formatDemoLogins(logins).join('\n')}`)
}

/**
 * Waits until the API has started every edge function once and says which cannot start, with the
 * cause. Returns how many cannot.
 */
async function reportFunctions(config: DevstackConfig): Promise<number> {
  const expected = listFunctions(config)
  const deadline = Date.now() + 60_000
  let statuses = readFunctionStatuses(functionStatusFile(config))
  while (expected.some(name => !statuses[name]) && Date.now() < deadline) {
    await new Promise(resolveWait => setTimeout(resolveWait, 200))
    statuses = readFunctionStatuses(functionStatusFile(config))
  }
  let failures = 0
  for (const name of expected) {
    const status = statuses[name]
    if (status?.state === 'ready') continue
    failures++
    const reason = status?.state === 'failed' ? status.reason : 'it has not started within 60 s'
    console.error(`devstack: edge function "${name}" cannot start:\n  ${reason.replaceAll('\n', '\n  ')}`)
  }
  if (failures === 0) log(`Edge functions (${config.instance}): ${expected.length} started`)
  return failures
}

async function installFunctions(config: DevstackConfig, options: { updateLock?: boolean } = {}): Promise<void> {
  const results = await installFunctionDependencies(config, options)
  if (results.some(result => result.downloaded)) {
    log(`Edge functions: npm packages ${options.updateLock ? 'resolved, edge-functions/deno.lock updated' : 'installed from edge-functions/deno.lock'} (cache ${denoCacheDir(config.root)})`)
  }
}

async function serveInForeground(config: DevstackConfig): Promise<void> {
  const devstack = await startDevstack(config)
  const shutdown = () => {
    devstack.stop().then(() => process.exit(0), () => process.exit(1))
  }
  process.once('SIGTERM', shutdown)
  process.once('SIGINT', shutdown)
}

/**
 * `make preview`: the production build (manifest, service worker, offline shell) against this
 * instance's API, in the foreground. On its own port, so its service worker never takes over the
 * origin of `make dev`'s app.
 */
async function preview(config: DevstackConfig): Promise<void> {
  await dbUp(config)
  log(`API (${config.instance}): ${await startApiInBackground(config)}`)
  await reportFunctions(config)
  log('Building the production app (nuxt generate, about a minute) …')
  const build = spawnSync(join(config.root, 'node_modules', '.bin', 'nuxi'), ['generate'], {
    cwd: config.root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, DEVSTACK_INSTANCE: config.instance },
  })
  if (build.status !== 0) {
    const tail = `${build.stdout}${build.stderr}`.split('\n').slice(-40).join('\n')
    throw new ClusterError(`nuxt generate failed:\n${tail}`)
  }
  const port = config.ports.app + 1
  await serveApp(appBuildDir(config.root), port)
  log(`Portal (production build) on http://127.0.0.1:${port}: install it from the browser's address bar;`)
  log('after the first visit it opens offline too (DevTools → Network → Offline). Ctrl-C ends the preview, `make stop` the rest.')
  await printDemoLogins(config)
}

function log(message: string): void {
  if (message) console.log(message)
}

const commands: Record<string, (config: DevstackConfig) => Promise<void> | void> = {
  'dev': async (config) => {
    await dbUp(config)
    log(`API (${config.instance}): ${await startApiInBackground(config)}`)
    const brokenFunctions = await reportFunctions(config)
    const demoFiles = await uploadDemoFiles(config)
    if (demoFiles > 0) log(`Demo files uploaded: ${demoFiles}`)
    log(`App (${config.instance}, nuxt dev): ${await startAppInBackground(config)}`)
    printStatus(config)
    await printDemoLogins(config)
    if (brokenFunctions > 0) {
      console.error(`\ndevstack: ${brokenFunctions} edge function(s) cannot start (see above); the portal runs without them.`)
      process.exitCode = 1
    }
  },
  'serve': serveInForeground,
  'preview': preview,
  'api:start': async (config) => {
    log(`API (${config.instance}): ${await startApiInBackground(config)}`)
    if (await reportFunctions(config) > 0) process.exitCode = 1
  },
  'functions:install': config => installFunctions(config),
  'functions:lock': config => installFunctions(config, { updateLock: true }),
  'api:stop': async config => log(`API (${config.instance}): ${await stopApi(config)}`),
  'app:start': async config => log(`App (${config.instance}, nuxt dev): ${await startAppInBackground(config)} — http://127.0.0.1:${config.ports.app}`),
  'app:stop': async config => log(`App (${config.instance}): ${await stopApp(config)}`),
  'stop': async (config) => {
    log(`App (${config.instance}): ${await stopApp(config)}`)
    log(`API (${config.instance}): ${await stopApi(config)}`)
    log(`PostgreSQL (${config.instance}): ${stopCluster(config)}`)
  },
  'status': printStatus,
  'db:start': dbUp,
  'db:stop': config => log(`PostgreSQL (${config.instance}): ${stopCluster(config)}`),
  'db:status': printStatus,
  'db:migrate': config => log(applyMigrations(config)),
  'db:reset': async (config) => {
    // Their pid and state files live in the data folder that is about to go.
    await stopApp(config)
    await stopApi(config)
    deleteInstanceData(config)
    log(`Deleted local data of instance "${config.instance}"`)
    await dbUp(config)
  },
  'db:url': config => console.log(dbUrl(config)),
}

async function main(): Promise<void> {
  const name = process.argv[2] ?? ''
  const command = commands[name]
  if (!command) {
    console.error(`usage: node devstack/src/cli.ts <${Object.keys(commands).join('|')}>`)
    process.exit(2)
  }
  await command(loadConfig())
}

main().catch((error: unknown) => {
  if (error instanceof ClusterError || error instanceof ProvisionError || error instanceof FunctionsInstallError) {
    console.error(`devstack: ${error.message}`)
  }
  else {
    console.error(error)
  }
  process.exit(1)
})
