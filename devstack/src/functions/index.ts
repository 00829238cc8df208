// Edge Functions at /functions/v1/<name>[/sub/path], as the Supabase CLI's edge-runtime main
// service answers them (serve/templates/main.ts): unknown name → 404 "Function not found";
// verify_jwt → 401 unless the bearer is a valid project JWT (OPTIONS exempt, so functions answer
// their own CORS preflight); otherwise the request, headers unchanged, streams to the function's
// Deno worker and the response streams back. The function sees the path from /<name> on.
import { rmSync, watch, type FSWatcher } from 'node:fs'
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { DevstackConfig } from '../config.ts'
import type { HttpService } from '../gateway/server.ts'
import type { ModuleFactory } from '../modules.ts'
import { sendJson, sendText } from '../shared/http.ts'
import type { JwtKeys } from '../shared/jwt.ts'
import { type EdgeFunction, findFunction, functionEnv, functionsRoot, listFunctions } from './catalog.ts'
import { denoBinary } from './deno-env.ts'
import { type FunctionStatuses, functionStatusFile, writeFunctionStatuses } from './status.ts'
import { FunctionWorkers, WorkerBootError } from './workers.ts'

// Edge-runtime's own failure answers (main.ts SB_SPECIFIC_ERROR_*).
const bootError = { code: 'BOOT_ERROR', message: 'Worker failed to boot (please check logs)' }
const workerError = { code: 'WORKER_ERROR', message: 'Function exited due to an error (please check logs)' }
/** Headers that belong to one connection, not to the message. */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade'])

export interface FunctionsRuntime {
  service: HttpService
  workers: FunctionWorkers
  /** Starts every function once, so one that cannot start is reported now, not at its first request. */
  startAll: () => Promise<void>
  /** Restarts the workers whenever a file under the functions folder changes. */
  watchFiles: () => FSWatcher
}

export function createFunctionsRuntime(config: DevstackConfig, jwt: JwtKeys, root = functionsRoot(config), statusFile?: string): FunctionsRuntime {
  const statuses: FunctionStatuses = {}
  const workers = new FunctionWorkers({
    denoBinary: denoBinary(config.root),
    env: () => functionEnv(config, jwt, root),
    onStatus: (name, status) => {
      if (status.state === 'failed') console.error(`[functions/${name}] cannot start: ${status.reason}`)
      statuses[name] = { ...status, at: new Date().toISOString() }
      if (statusFile) writeFunctionStatuses(statusFile, statuses)
    },
  })

  const startAll = async () => {
    // One after the other: on two cores a burst of Deno starts would slow the API's first requests.
    for (const name of listFunctions(config, root)) {
      const fn = findFunction(config, name, root)
      if (fn) await workers.socket(fn).catch(() => {})
    }
  }

  const service: HttpService = {
    prefix: '/functions/v1',
    gatewayCors: false,
    async handle(req, res, path) {
      const name = path.split(/[/?]/)[1] ?? ''
      const fn = findFunction(config, name, root)
      if (!fn) {
        sendText(res, 404, 'Function not found', { 'Content-Type': 'text/plain' })
        return
      }
      if (req.method !== 'OPTIONS' && fn.verifyJwt) {
        const refusal = await jwtRefusal(req, jwt)
        if (refusal) {
          sendJson(res, 401, { msg: refusal }, { 'Content-Type': 'application/json' })
          return
        }
      }
      await forward(req, res, path, fn, workers)
    },
  }

  const watchFiles = () => {
    let pending: NodeJS.Timeout | undefined
    return watch(root, { recursive: true }, (_event, file) => {
      // Deno rewrites its lockfile while workers resolve packages; that is no reason to restart.
      if (!file || /(^|\/)deno\.lock$/.test(file)) return
      clearTimeout(pending)
      pending = setTimeout(() => {
        console.log(`[functions] ${file} changed: workers restart`)
        workers.restartAll()
        void startAll()
      }, 150)
    })
  }
  return { service, workers, startAll, watchFiles }
}

/** main.ts getAuthToken + verifyHybridJWT: HS256 with the JWT secret, RS256/ES256 with the JWKS. */
async function jwtRefusal(req: IncomingMessage, jwt: JwtKeys): Promise<string | null> {
  const header = req.headers.authorization
  if (!header) return 'Error: Missing authorization header'
  const parts = header.split(' ')
  if (parts[0] !== 'Bearer' || parts.length !== 2 || !parts[1]) return 'Error: Auth header is not \'Bearer {token}\''
  try {
    await jwt.verify(parts[1])
    return null
  }
  catch {
    return 'Invalid JWT'
  }
}

async function forward(req: IncomingMessage, res: ServerResponse, path: string, fn: EdgeFunction, workers: FunctionWorkers): Promise<void> {
  let socketPath: string
  try {
    socketPath = await workers.socket(fn)
  }
  catch (error) {
    if (!(error instanceof WorkerBootError)) throw error
    // edge-runtime's answer, plus the cause (the devstack runs only on the developer's own machine).
    sendJson(res, 503, { ...bootError, detail: error.reason }, { 'Content-Type': 'application/json' })
    return
  }
  await new Promise<void>((resolveDone) => {
    let callerGone = false
    const upstream = httpRequest({ socketPath, method: req.method, path, headers: req.headers })
    upstream.on('response', (answer) => {
      const headers = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !hopByHop.has(name)))
      res.writeHead(answer.statusCode ?? 500, answer.statusMessage, headers)
      answer.pipe(res)
      answer.on('end', resolveDone)
      answer.on('error', () => res.destroy())
    })
    upstream.on('error', (error) => {
      console.error(`[functions/${fn.name}] ${req.method} ${path}: ${error.message}`)
      if (!callerGone) workers.discard(fn.name)
      if (!res.headersSent) sendJson(res, 500, workerError, { 'Content-Type': 'application/json' })
      else res.destroy()
      resolveDone()
    })
    // The caller went away: stop the function's side too.
    res.on('close', () => {
      if (!res.writableFinished) {
        callerGone = true
        upstream.destroy()
      }
      resolveDone()
    })
    req.pipe(upstream)
  })
}

export const functionsModule: ModuleFactory = ({ config, jwt }) => {
  const statusFile = functionStatusFile(config)
  const runtime = createFunctionsRuntime(config, jwt, functionsRoot(config), statusFile)
  let watcher: FSWatcher | undefined
  return {
    name: 'functions',
    services: [runtime.service],
    start: async () => {
      writeFunctionStatuses(statusFile, {})
      watcher = runtime.watchFiles()
      // In the background: the API answers meanwhile; a request for a function still starting waits for it.
      void runtime.startAll()
    },
    stop: async () => {
      watcher?.close()
      await runtime.workers.stop()
      rmSync(statusFile, { force: true })
    },
    describe: () => [
      `functions  ${config.apiUrl}/functions/v1/<name>: ${listFunctions(config).join(', ') || '(none yet)'}`,
    ],
  }
}
