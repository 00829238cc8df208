// The functions runtime with real Deno workers on a throw-away functions folder: discovery,
// verify_jwt, environment and secrets, both serving styles, and edge-runtime's failure answers.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { exportJWK, generateKeyPair } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../config.ts'
import { createGateway } from '../gateway/server.ts'
import { loadJwtKeys } from '../shared/jwt.ts'
import { denoBinary } from './deno-env.ts'
import { createFunctionsRuntime, type FunctionsRuntime } from './index.ts'
import { readFunctionStatuses } from './status.ts'

const functions: Record<string, string> = {
  'deno.json': '{ "nodeModulesDir": "none" }',
  '.env': 'GREETING=hallo\nSUPABASE_URL=http://elsewhere.example\n',
  'options-form/index.ts': `
    Deno.serve({ port: 9, onError: () => new Response('handled by the function', { status: 599 }) }, (req) => {
      if (new URL(req.url).pathname.endsWith('/throw')) throw new Error('handler failed')
      const env = Object.fromEntries(['GREETING', 'FROM_TOML', 'SUPABASE_URL', 'SUPABASE_DB_URL', 'SUPABASE_PUBLISHABLE_KEYS', 'SUPABASE_JWKS', 'SMTP_HOST', 'SMTP_PORT', 'SITE_URL', 'SMTP_ADMIN_EMAIL']
        .map(name => [name, Deno.env.get(name) ?? null]))
      return Response.json({ url: req.url, authorization: req.headers.get('authorization'), apikey: req.headers.get('apikey'), env })
    })`,
  'default-export/index.ts': `
    export default {
      fetch(req: Request) {
        const path = new URL(req.url).pathname
        if (path.endsWith('/exit')) Deno.exit(3)
        if (path.endsWith('/throw')) throw new Error('handler failed')
        return new Response(String(Deno.pid))
      },
    }`,
  'boot-fails/index.ts': 'throw new Error(\'fails while loading\')',
  // Not installed: workers never download, so this is a missing `make deps`, reported as such.
  'missing-package/index.ts': 'import leftPad from \'npm:left-pad@1.3.0\'\nDeno.serve(() => new Response(leftPad(\'x\', 3)))',
  'disabled/index.ts': 'Deno.serve(() => new Response(\'should not be reachable\'))',
  '_shared/index.ts': 'Deno.serve(() => new Response(\'shared code is not a function\'))',
}

let root: string
let runtime: FunctionsRuntime
let baseUrl: string
let closeGateway: () => Promise<void>
let esToken: string
let statusFile: string
const config = loadConfig({ DEVSTACK_INSTANCE: 'test', DEVSTACK_PORT_OFFSET: process.env.DEVSTACK_PORT_OFFSET })

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'devstack-functions-'))
  // An empty package cache of its own: what the workers may not fetch stays missing.
  process.env.DENO_DIR = join(root, '.deno-cache')
  statusFile = join(root, 'functions.json')
  for (const [file, text] of Object.entries(functions)) {
    mkdirSync(join(root, file, '..'), { recursive: true })
    writeFileSync(join(root, file), text)
  }
  const { privateKey } = await generateKeyPair('ES256', { extractable: true })
  writeFileSync(join(root, 'signing-keys.json'), JSON.stringify([{ ...await exportJWK(privateKey), alg: 'ES256', kid: 'test-key' }]))
  const toml = {
    ...config.toml,
    auth: { signing_keys_path: join(root, 'signing-keys.json') },
    edge_runtime: { secrets: { FROM_TOML: 'aus der Konfiguration' } },
    functions: { 'options-form': { verify_jwt: false }, 'disabled': { enabled: false } },
  }
  const testConfig = { ...config, toml }
  const jwt = await loadJwtKeys(testConfig)
  esToken = await jwt.sign({ role: 'authenticated', sub: 'a-user' }, 60)
  runtime = createFunctionsRuntime(testConfig, jwt, root, statusFile)
  const gateway = createGateway(testConfig, [runtime.service])
  await new Promise<void>(resolveListen => gateway.listen(0, '127.0.0.1', resolveListen))
  baseUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/functions/v1`
  closeGateway = () => new Promise((resolveClose) => {
    gateway.close(() => resolveClose())
    gateway.closeAllConnections()
  })
}, 60_000)

afterAll(async () => {
  await closeGateway?.()
  await runtime?.workers.stop()
  rmSync(root, { recursive: true, force: true })
  delete process.env.DENO_DIR
})

describe('functions runtime', () => {
  it('serves Deno.serve(options, handler) on its own socket, with the Supabase environment and secrets', async () => {
    const response = await fetch(`${baseUrl}/options-form/sub/path?x=1`, { headers: { apikey: config.publishableKey } })
    expect(response.status).toBe(200)
    const body = await response.json()
    // As edge-runtime serves it: http, the API's host (never the socket's http+unix).
    expect(body.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/options-form/sub/path`))
    expect(body.url).toMatch(/\?x=1$/)
    // The gateway turned the publishable key into the anon JWT; apikey itself passes unchanged.
    expect(body.authorization).toBe(`Bearer ${config.anonKey}`)
    expect(body.apikey).toBe(config.publishableKey)
    expect(body.env).toMatchObject({
      GREETING: 'hallo',
      FROM_TOML: 'aus der Konfiguration',
      SUPABASE_URL: config.apiUrl,
      SUPABASE_DB_URL: `postgresql://postgres:postgres@127.0.0.1:${config.ports.db}/postgres`,
      SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: config.publishableKey }),
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(config.ports.smtp),
      SITE_URL: config.siteUrl,
      SMTP_ADMIN_EMAIL: 'portal@kanzlei.example',
    })
    expect(JSON.parse(body.env.SUPABASE_JWKS).keys[0]).toMatchObject({ kid: 'test-key', alg: 'ES256' })
    expect(JSON.parse(body.env.SUPABASE_JWKS).keys[0].d).toBeUndefined()
  })

  it('serves `export default { fetch }` and keeps the worker warm', async () => {
    const headers = { Authorization: `Bearer ${config.anonKey}` }
    const first = await (await fetch(`${baseUrl}/default-export`, { headers })).text()
    const second = await (await fetch(`${baseUrl}/default-export`, { headers })).text()
    expect(first).toMatch(/^\d+$/)
    expect(second).toBe(first)
  })

  it('answers 404 "Function not found" for unknown, disabled and shared folders', async () => {
    for (const name of ['missing', 'disabled', '_shared', '..%2Foptions-form']) {
      const response = await fetch(`${baseUrl}/${name}`)
      expect(response.status, name).toBe(404)
      expect(await response.text()).toBe('Function not found')
    }
  })

  it('refuses requests without a valid JWT when verify_jwt is on, but lets OPTIONS through', async () => {
    const missing = await fetch(`${baseUrl}/default-export`)
    expect(missing.status).toBe(401)
    expect(await missing.json()).toEqual({ msg: 'Error: Missing authorization header' })
    const forged = await fetch(`${baseUrl}/default-export`, { headers: { Authorization: `Bearer ${config.anonKey.slice(0, -4)}AAAA` } })
    expect(forged.status).toBe(401)
    expect(await forged.json()).toEqual({ msg: 'Invalid JWT' })
    const preflight = await fetch(`${baseUrl}/default-export`, { method: 'OPTIONS' })
    expect(preflight.status).toBe(200)
  })

  it('accepts asymmetric (ES256) tokens verified with the JWKS', async () => {
    const response = await fetch(`${baseUrl}/default-export`, { headers: { Authorization: `Bearer ${esToken}` } })
    expect(response.status).toBe(200)
  })

  it('answers 503 BOOT_ERROR when a function fails to load, with the cause', async () => {
    const response = await fetch(`${baseUrl}/boot-fails`, { headers: { Authorization: `Bearer ${config.anonKey}` } })
    expect(response.status).toBe(503)
    const body = await response.json()
    expect(body).toMatchObject({ code: 'BOOT_ERROR', message: 'Worker failed to boot (please check logs)' })
    expect(body.detail).toMatch(/^Uncaught (?:\(in promise\) )?Error: fails while loading\n.*boot-fails\/index\.ts:1:7$/)
  })

  it('never downloads a package at start: a missing one is a BOOT_ERROR that says to run make deps', async () => {
    const response = await fetch(`${baseUrl}/missing-package`, { headers: { Authorization: `Bearer ${config.anonKey}` } })
    expect(response.status).toBe(503)
    const { detail } = await response.json()
    expect(detail).toContain('npm package not found in cache: "left-pad", --cached-only is specified.')
    expect(detail).toContain('run `make deps`')
  })

  it('starts every function once and records which start and why the others do not', async () => {
    await runtime.startAll()
    const statuses = readFunctionStatuses(statusFile)
    expect(Object.keys(statuses).sort()).toEqual(['boot-fails', 'default-export', 'missing-package', 'options-form'])
    expect(statuses['options-form']).toMatchObject({ state: 'ready' })
    expect(statuses['boot-fails']).toMatchObject({ state: 'failed', reason: expect.stringContaining('fails while loading') })
    expect(statuses['missing-package']).toMatchObject({ state: 'failed', reason: expect.stringContaining('make deps') })
  })

  it('answers 500 when a handler throws: the function\'s onError, else Deno\'s default', async () => {
    const custom = await fetch(`${baseUrl}/options-form/throw`)
    expect(custom.status).toBe(599)
    expect(await custom.text()).toBe('handled by the function')
    const plain = await fetch(`${baseUrl}/default-export/throw`, { headers: { Authorization: `Bearer ${config.anonKey}` } })
    expect(plain.status).toBe(500)
  })

  it('answers 500 WORKER_ERROR when the worker dies mid-request, and starts a new one next time', async () => {
    const headers = { Authorization: `Bearer ${config.anonKey}` }
    const before = await (await fetch(`${baseUrl}/default-export`, { headers })).text()
    const crash = await fetch(`${baseUrl}/default-export/exit`, { headers })
    expect(crash.status).toBe(500)
    expect(await crash.json()).toEqual({ code: 'WORKER_ERROR', message: 'Function exited due to an error (please check logs)' })
    const after = await (await fetch(`${baseUrl}/default-export`, { headers })).text()
    expect(after).toMatch(/^\d+$/)
    expect(after).not.toBe(before)
  })

  it('ends a worker whose devstack is gone: its stdin, the lifeline, closed', async () => {
    const worker = spawn(denoBinary(config.root), ['run', '-A', '--no-prompt', join(import.meta.dirname, 'deno', 'bootstrap.ts'),
      pathToFileURL(join(root, 'default-export', 'index.ts')).href, join(root, 'lifeline.sock')], { stdio: ['pipe', 'pipe', 'inherit'] })
    await new Promise<void>(resolveReady => worker.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('devstack-worker-listening')) resolveReady()
    }))
    const exited = new Promise<number | null>(resolveExit => worker.once('exit', code => resolveExit(code)))
    worker.stdin.end()
    expect(await exited).toBe(0)
  })
})
