// A local S3-compatible server (s3rver) for trying backups and for the tests: its own process
// group (started with setsid, stopped by its id), objects on disk under `directory`, path-style,
// the keys S3RVER/S3RVER. Never a production target: see edge-functions/backup/README.md.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'

export interface S3Server {
  port: number
  pid: number
  endpoint: string
  /** The Vault secret backup_target for this server and bucket. */
  target: (bucket: string, prefix?: string) => Record<string, unknown>
  stop: (signal?: NodeJS.Signals) => Promise<void>
}

export async function freePort(): Promise<number> {
  return await new Promise((resolvePort, rejectPort) => {
    const server = createServer()
    server.once('error', rejectPort)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolvePort(port))
    })
  })
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  }
  catch {
    return false
  }
}

async function waitForPort(port: number, pid: number): Promise<void> {
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline) {
    if (!alive(pid)) throw new Error('s3rver exited before it listened')
    const response = await fetch(`http://127.0.0.1:${port}/`).catch(() => null)
    if (response) {
      await response.body?.cancel()
      return
    }
    await new Promise(resolveWait => setTimeout(resolveWait, 100))
  }
  throw new Error(`s3rver did not listen on ${port} within 15 s`)
}

export async function startS3Server(root: string, directory: string, options: { port?: number, buckets?: string[], pidFile?: string } = {}): Promise<S3Server> {
  mkdirSync(directory, { recursive: true })
  const port = options.port ?? await freePort()
  const buckets = (options.buckets ?? []).flatMap(bucket => ['--configure-bucket', bucket])
  const child = spawn(join(root, 'node_modules', '.bin', 's3rver'), [
    '-d', directory, '-a', '127.0.0.1', '-p', String(port), '--silent', '--no-vhost-buckets', ...buckets,
  ], { detached: true, stdio: 'ignore' })
  child.unref()
  const pid = child.pid!
  if (options.pidFile) writeFileSync(options.pidFile, String(pid))
  await waitForPort(port, pid)
  const endpoint = `http://127.0.0.1:${port}`
  return {
    port,
    pid,
    endpoint,
    target: (bucket, prefix = '') => ({ endpoint, region: 'us-east-1', bucket, prefix, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', pathStyle: true }),
    stop: signal => stopProcess(pid, signal),
  }
}

export async function stopProcess(pid: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!alive(pid)) return
  process.kill(-pid, signal)
  const deadline = Date.now() + 10_000
  while (alive(pid) && Date.now() < deadline) await new Promise(resolveWait => setTimeout(resolveWait, 50))
  if (alive(pid)) process.kill(-pid, 'SIGKILL')
}

/** The server a pid file names, if it still runs. */
export function runningPid(pidFile: string): number | null {
  if (!existsSync(pidFile)) return null
  const pid = Number(readFileSync(pidFile, 'utf8'))
  if (Number.isInteger(pid) && pid > 0 && alive(pid)) return pid
  rmSync(pidFile, { force: true })
  return null
}
