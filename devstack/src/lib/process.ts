// Small process helpers: run a command and fail with its output, run as the cluster's OS user.
import { spawn, spawnSync, type SpawnOptions, type SpawnSyncOptions } from 'node:child_process'

export const isRoot = process.getuid?.() === 0

export class CommandError extends Error {
  readonly output: string
  constructor(message: string, output: string) {
    super(message)
    this.output = output
  }
}

export interface RunResult { status: number, stdout: string, stderr: string }

/** Runs a command to completion; never throws on a non-zero exit (callers decide). */
export function run(command: string, args: string[], options: SpawnSyncOptions = {}): RunResult {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options })
  if (result.error) throw result.error
  return { status: result.status ?? 1, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') }
}

/** Like run(), without blocking the event loop (the caller may be serving requests meanwhile). */
export function runAsync(command: string, args: string[], options: SpawnOptions = {}): Promise<RunResult> {
  return new Promise((resolveRun, rejectRun) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
    const stdout: string[] = []
    const stderr: string[] = []
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => stdout.push(chunk))
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk))
    child.once('error', rejectRun)
    child.once('close', code => resolveRun({ status: code ?? 1, stdout: stdout.join(''), stderr: stderr.join('') }))
  })
}

/** Runs a command and throws a CommandError with its output when it fails. */
export function runOrThrow(command: string, args: string[], options: SpawnSyncOptions = {}): string {
  const result = run(command, args, options)
  if (result.status !== 0) {
    throw new CommandError(`${command} ${args.join(' ')} exited with ${result.status}`, `${result.stdout}${result.stderr}`.trim())
  }
  return result.stdout
}

/**
 * PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` OS user and
 * its commands run through runuser; as any other user they run as that user.
 */
export function asClusterUser(command: string, args: string[]): [string, string[]] {
  return isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]
}
