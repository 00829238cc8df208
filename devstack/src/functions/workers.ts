// One long-lived Deno process per edge function (the stand-in for edge-runtime's per_worker
// policy): started on the first request, kept warm, started again after it exits or its files
// change. Workers stay in the devstack's process group, so stopping the API stops them too.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createInterface } from 'node:readline'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { EdgeFunction } from './catalog.ts'
import { describeDenoFailure } from './failures.ts'

const bootstrap = join(import.meta.dirname, 'deno', 'bootstrap.ts')
const readyMarker = /^devstack-worker-listening$/
/** Packages come from the cache (`make deps`), so a start takes a second or two even on a busy machine. */
const bootTimeoutMs = 30_000

/** A worker that could not start (syntax error, failed import, no handler): edge-runtime's BOOT_ERROR. */
export class WorkerBootError extends Error {
  /** Why, in a few lines, with what to do about it. */
  readonly reason: string
  constructor(name: string, reason: string) {
    super(`${name} cannot start: ${reason}`)
    this.reason = reason
  }
}

export type WorkerStatus = { state: 'ready' } | { state: 'failed', reason: string }

interface Worker {
  process: ChildProcess
  /** The Unix socket the function listens on, once it does. */
  socket: Promise<string>
  /** Same file and settings as the request's function, else the worker is replaced. */
  key: string
}

export interface WorkerOptions {
  denoBinary: string
  /** Built for each start, so edited secrets apply after a restart. */
  env: () => Record<string, string>
  log?: (line: string) => void
  /** Told whenever a worker came up or failed to. */
  onStatus?: (name: string, status: WorkerStatus) => void
}

export class FunctionWorkers {
  readonly #workers = new Map<string, Worker>()
  readonly #options: WorkerOptions
  #socketDir: string | undefined
  #started = 0

  constructor(options: WorkerOptions) {
    this.#options = options
  }

  /** The Unix socket the function listens on, starting its worker if needed. */
  socket(fn: EdgeFunction): Promise<string> {
    const key = `${fn.entrypoint}\n${fn.denoConfig}`
    const running = this.#workers.get(fn.name)
    if (running?.key === key && running.process.exitCode === null && running.process.signalCode === null) return running.socket
    if (running) this.#kill(fn.name, running)
    const worker = this.#start(fn, key)
    this.#workers.set(fn.name, worker)
    worker.socket.then(
      () => this.#options.onStatus?.(fn.name, { state: 'ready' }),
      (error: unknown) => this.#options.onStatus?.(fn.name, { state: 'failed', reason: error instanceof WorkerBootError ? error.reason : String(error) }),
    )
    return worker.socket
  }

  /**
   * Drops a worker whose connection failed: its exit event may arrive after the next request,
   * which must not be sent to the dead socket.
   */
  discard(name: string): void {
    const worker = this.#workers.get(name)
    if (worker) this.#kill(name, worker)
  }

  /** Stops every worker; each starts again with the next request (used when files change). */
  restartAll(): void {
    for (const [name, worker] of this.#workers) this.#kill(name, worker)
  }

  async stop(): Promise<void> {
    const exits = [...this.#workers.values()].map(worker => new Promise<void>((resolveExit) => {
      if (worker.process.exitCode !== null || worker.process.signalCode !== null) resolveExit()
      else worker.process.once('exit', () => resolveExit())
    }))
    this.restartAll()
    await Promise.all(exits)
    if (this.#socketDir) rmSync(this.#socketDir, { recursive: true, force: true })
    this.#socketDir = undefined
  }

  #kill(name: string, worker: Worker): void {
    if (this.#workers.get(name) === worker) this.#workers.delete(name)
    worker.socket.catch(() => {})
    worker.process.kill('SIGTERM')
  }

  #start(fn: EdgeFunction, key: string): Worker {
    const log = this.#options.log ?? console.log
    // A short path: Unix socket paths are limited to about 100 bytes.
    this.#socketDir ??= mkdtempSync(join(tmpdir(), 'devstack-fn-'))
    const socketPath = join(this.#socketDir, `${++this.#started}.sock`)
    const child = spawn(this.#options.denoBinary, [
      // Never download at start: what is not in the cache is a missing `make deps`, said at once.
      'run', '-A', '--no-prompt', '--cached-only', '--frozen', '--node-modules-dir=none', `--config=${fn.denoConfig}`,
      bootstrap, pathToFileURL(fn.entrypoint).href, socketPath,
    // stdin stays open as the worker's lifeline (bootstrap.ts exits when it closes).
    ], { env: this.#options.env(), stdio: ['pipe', 'pipe', 'pipe'] })

    const recentErrors: string[] = []
    const socket = new Promise<string>((resolveSocket, rejectSocket) => {
      const timer = setTimeout(() => {
        rejectSocket(new WorkerBootError(fn.name, `it did not start listening within ${bootTimeoutMs / 1000} s`))
        child.kill('SIGTERM')
      }, bootTimeoutMs)
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (readyMarker.test(line)) {
          clearTimeout(timer)
          resolveSocket(socketPath)
        }
        else {
          log(`[functions/${fn.name}] ${line}`)
        }
      })
      createInterface({ input: child.stderr! }).on('line', (line) => {
        recentErrors.push(line)
        if (recentErrors.length > 40) recentErrors.shift()
        log(`[functions/${fn.name}] ${line}`)
      })
      child.once('error', (error) => {
        clearTimeout(timer)
        rejectSocket(new WorkerBootError(fn.name, error.message))
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        rmSync(socketPath, { force: true })
        // A no-op once the socket was announced.
        rejectSocket(new WorkerBootError(fn.name, recentErrors.length > 0 ? describeDenoFailure(recentErrors) : `it exited (${signal ?? `code ${code}`}) before serving`))
        if (this.#workers.get(fn.name)?.process === child) this.#workers.delete(fn.name)
      })
    })
    return { process: child, socket, key }
  }
}
