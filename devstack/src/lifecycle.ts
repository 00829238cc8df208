// Starting and stopping the API process in the background, by its own process group.
import { spawn } from 'node:child_process'
import { existsSync, openSync, readFileSync, rmSync } from 'node:fs'
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

export async function startApiInBackground(config: DevstackConfig): Promise<'started' | 'already running'> {
  if (runningApiPid(config)) return 'already running'
  if (await portInUse(config.ports.api)) {
    throw new ClusterError(`Port ${config.ports.api} on 127.0.0.1 is in use by another program, so the API cannot start.\n`
      + `See who holds it: ss -ltnp 'sport = :${config.ports.api}'. Stop it, or shift this checkout's ports with DEVSTACK_PORT_OFFSET=100.`)
  }
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
  process.kill(-pid, 'SIGTERM')
  const deadline = Date.now() + 15_000
  while (alive(pid) && Date.now() < deadline) await new Promise(resolveWait => setTimeout(resolveWait, 100))
  if (alive(pid)) process.kill(-pid, 'SIGKILL')
  rmSync(stateFile(config), { force: true })
  return 'stopped'
}
