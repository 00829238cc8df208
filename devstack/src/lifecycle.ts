// Starting and stopping the background processes of an instance, each by its own process group:
// the API, and in `make dev` the portal app (`nuxt dev`).
import { spawn } from 'node:child_process'
import { existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { DevstackConfig } from './config.ts'
import { ClusterError, portInUse } from './db/cluster.ts'
import { stateFile } from './server.ts'

const logFile = (config: DevstackConfig) => join(config.dataDir, 'devstack.log')

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  }
  catch {
    return false
  }
}

interface ApiState { pid: number, services: string[] }

/** The running API process of this instance, or null (a leftover state file is removed). */
export function runningApi(config: DevstackConfig): ApiState | null {
  if (!existsSync(stateFile(config))) return null
  const state = JSON.parse(readFileSync(stateFile(config), 'utf8')) as ApiState
  if (alive(state.pid)) return state
  rmSync(stateFile(config), { force: true })
  return null
}

const runningApiPid = (config: DevstackConfig): number | null => runningApi(config)?.pid ?? null

async function assertPortFree(port: number, what: string): Promise<void> {
  if (!await portInUse(port)) return
  throw new ClusterError(`Port ${port} on 127.0.0.1 is in use by another program, so ${what} cannot start.\n`
    + `See who holds it: ss -ltnp 'sport = :${port}'. Stop it, or shift this checkout's ports with DEVSTACK_PORT_OFFSET=100.`)
}

export async function startApiInBackground(config: DevstackConfig): Promise<'started' | 'already running'> {
  if (runningApiPid(config)) return 'already running'
  await assertPortFree(config.ports.api, 'the API')
  const log = openSync(logFile(config), 'a')
  const child = spawn(process.execPath, [join(config.root, 'devstack/src/cli.ts'), 'serve'], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, DEVSTACK_INSTANCE: config.instance },
  })
  child.unref()
  const deadline = Date.now() + 90_000
  while (Date.now() < deadline) {
    if (runningApiPid(config) === child.pid) return 'started'
    if (child.exitCode !== null || !alive(child.pid!)) break
    await new Promise(resolveWait => setTimeout(resolveWait, 200))
  }
  const tail = readFileSync(logFile(config), 'utf8').split('\n').slice(-30).join('\n')
  throw new ClusterError(`The devstack API did not start. Last lines of ${logFile(config)}:\n${tail}`)
}

/** Stops the API process group (the server and anything it spawned, e.g. Deno workers). */
export async function stopApi(config: DevstackConfig): Promise<'stopped' | 'not running'> {
  const pid = runningApiPid(config)
  if (!pid) return 'not running'
  await stopProcessGroup(pid)
  rmSync(stateFile(config), { force: true })
  return 'stopped'
}

async function stopProcessGroup(pid: number): Promise<void> {
  process.kill(-pid, 'SIGTERM')
  const deadline = Date.now() + 15_000
  while (alive(pid) && Date.now() < deadline) await new Promise(resolveWait => setTimeout(resolveWait, 100))
  if (alive(pid)) process.kill(-pid, 'SIGKILL')
}

const appPidFile = (config: DevstackConfig) => join(config.dataDir, 'app.pid')
const appLogFile = (config: DevstackConfig) => join(config.dataDir, 'app.log')

export function runningAppPid(config: DevstackConfig): number | null {
  if (!existsSync(appPidFile(config))) return null
  const pid = Number(readFileSync(appPidFile(config), 'utf8'))
  if (Number.isInteger(pid) && pid > 0 && alive(pid)) return pid
  rmSync(appPidFile(config), { force: true })
  return null
}

/** `nuxt dev` on the instance's app port (hot reload), pointed at the instance's API by nuxt.config.ts. */
export async function startAppInBackground(config: DevstackConfig): Promise<'started' | 'already running'> {
  if (runningAppPid(config)) return 'already running'
  await assertPortFree(config.ports.app, 'the app')
  const log = openSync(appLogFile(config), 'a')
  const child = spawn(join(config.root, 'node_modules', '.bin', 'nuxi'), ['dev'], {
    cwd: config.root,
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, DEVSTACK_INSTANCE: config.instance },
  })
  child.unref()
  writeFileSync(appPidFile(config), String(child.pid))
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    if (await portInUse(config.ports.app)) return 'started'
    if (child.exitCode !== null || !alive(child.pid!)) break
    await new Promise(resolveWait => setTimeout(resolveWait, 500))
  }
  const tail = readFileSync(appLogFile(config), 'utf8').split('\n').slice(-30).join('\n')
  throw new ClusterError(`The portal app (nuxt dev) did not start. Last lines of ${appLogFile(config)}:\n${tail}`)
}

export async function stopApp(config: DevstackConfig): Promise<'stopped' | 'not running'> {
  const pid = runningAppPid(config)
  if (!pid) return 'not running'
  await stopProcessGroup(pid)
  rmSync(appPidFile(config), { force: true })
  return 'stopped'
}
