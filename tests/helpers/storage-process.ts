// Starts and kills tests/helpers/storage-server.ts as a child process (devstack-only tests).
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface StorageProcess {
  url: string
  child: ChildProcess
  /** Resident set size in bytes, from /proc. */
  rss: () => number
  kill: (signal?: NodeJS.Signals) => Promise<void>
}

function residentBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return Number(match?.[1] ?? 0) * 1024
}

export async function startStorageProcess(storageDir: string): Promise<StorageProcess> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'storage-server.ts')], {
    env: { ...process.env, STORAGE_DIR: storageDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await new Promise<number>((resolvePort, rejectPort) => {
    let output = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /\{"port":(\d+)\}/.exec(output)
      if (match) resolvePort(Number(match[1]))
    })
    child.once('exit', code => rejectPort(new Error(`storage server exited with ${code} before listening:\n${output}`)))
  })
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    rss: () => residentBytes(child.pid!),
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise(resolveExit => child.once('exit', resolveExit))
      child.kill(signal)
      await exited
    },
  }
}
