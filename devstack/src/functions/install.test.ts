// Installing the edge functions' packages (`make deps`) against a throw-away npm registry on
// loopback, so the test needs no network: frozen to the lockfile, offline once installed, and
// clear errors for a lockfile that no longer matches and for a registry that cannot be reached.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../config.ts'
import { runAsync } from '../lib/process.ts'
import { denoBinary, denoEnvironment } from './deno-env.ts'
import { FunctionsInstallError, installFunctionDependencies } from './install.ts'

const packageName = 'portal-install-probe'
const versions = ['1.0.0', '1.0.1']

/** An npm tarball (package/package.json + package/index.js) made with the system's tar. */
function packTarball(dir: string, version: string): Buffer {
  const source = join(dir, `src-${version}`, 'package')
  mkdirSync(source, { recursive: true })
  writeFileSync(join(source, 'package.json'), JSON.stringify({ name: packageName, version, main: 'index.js', type: 'module' }))
  writeFileSync(join(source, 'index.js'), `export default 'probe ${version}'\n`)
  execFileSync('tar', ['-czf', join(dir, `${version}.tgz`), '-C', join(dir, `src-${version}`), 'package'])
  return readFileSync(join(dir, `${version}.tgz`))
}

let root: string
let registry: Server
let registryUrl: string
let requests = 0
const config = loadConfig({ DEVSTACK_INSTANCE: 'test', DEVSTACK_PORT_OFFSET: process.env.DEVSTACK_PORT_OFFSET })

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'devstack-install-'))
  const tarballs = new Map(versions.map(version => [version, packTarball(root, version)]))
  registry = createServer((req, res) => {
    requests++
    const url = new URL(req.url ?? '/', registryUrl)
    const tarball = /\/-\/[\w-]+-([\d.]+)\.tgz$/.exec(url.pathname)
    if (tarball && tarballs.has(tarball[1]!)) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(tarballs.get(tarball[1]!))
      return
    }
    if (url.pathname !== `/${packageName}`) {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"not found"}')
      return
    }
    const packument = {
      'name': packageName,
      'dist-tags': { latest: versions.at(-1) },
      'versions': Object.fromEntries([...tarballs].map(([version, bytes]) => [version, {
        name: packageName,
        version,
        dist: {
          tarball: `${registryUrl}${packageName}/-/${packageName}-${version}.tgz`,
          integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
        },
      }])),
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(packument))
  })
  await new Promise<void>(resolveListen => registry.listen(0, '127.0.0.1', resolveListen))
  registryUrl = `http://127.0.0.1:${(registry.address() as AddressInfo).port}/`
  process.env.NPM_CONFIG_REGISTRY = registryUrl
  process.env.DENO_DIR = join(root, 'deno-cache')

  const functions = join(root, 'functions')
  mkdirSync(join(functions, 'probe'), { recursive: true })
  writeFileSync(join(functions, 'deno.json'), JSON.stringify({ nodeModulesDir: 'none', imports: { probe: `npm:${packageName}@1.0.0` } }))
  writeFileSync(join(functions, 'probe', 'index.ts'), 'import probe from \'probe\'\nconsole.log(probe)\n')
  writeFileSync(join(functions, 'probe', 'probe.test.ts'), 'import probe from \'probe\'\nDeno.test(\'probe\', () => { if (!probe) throw new Error(\'no probe\') })\n')
})

afterAll(async () => {
  delete process.env.NPM_CONFIG_REGISTRY
  delete process.env.DENO_DIR
  if (registry?.listening) await new Promise(resolveClose => registry.close(resolveClose))
  rmSync(root, { recursive: true, force: true })
})

const functionsRoot = () => join(root, 'functions')
const runProbe = () => runAsync(denoBinary(config.root), ['run', '-A', '--cached-only', '--frozen', 'probe/index.ts'], {
  cwd: functionsRoot(), env: { ...process.env, ...denoEnvironment(config.root), NO_COLOR: '1' },
})

describe('installing the edge functions\' packages', () => {
  it('resolves them into a lockfile once (make deno-lock), then installs exactly that into an empty cache', async () => {
    await installFunctionDependencies(config, { updateLock: true }, functionsRoot())
    expect(JSON.parse(readFileSync(join(functionsRoot(), 'deno.lock'), 'utf8')).specifiers).toEqual({ [`npm:${packageName}@1.0.0`]: '1.0.0' })
    rmSync(process.env.DENO_DIR!, { recursive: true, force: true })
    expect((await runProbe()).status).not.toBe(0)

    expect(await installFunctionDependencies(config, {}, functionsRoot())).toEqual([{ denoConfig: expect.stringMatching(/deno\.json$/), files: 2, downloaded: true }])
    const probe = await runProbe()
    expect(probe.stdout.trim()).toBe('probe 1.0.0')
  })

  it('asks the registry nothing once the cache holds what the lockfile pins', async () => {
    const before = requests
    expect((await installFunctionDependencies(config, {}, functionsRoot()))[0]!.downloaded).toBe(false)
    expect(requests).toBe(before)
  })

  it('refuses an import the lockfile does not pin, and says how to update it', async () => {
    const entry = join(functionsRoot(), 'probe', 'index.ts')
    const original = readFileSync(entry, 'utf8')
    writeFileSync(entry, `import newer from 'npm:${packageName}@1.0.1'\n${original}`)
    try {
      const refusal = installFunctionDependencies(config, {}, functionsRoot())
      await expect(refusal).rejects.toThrow(FunctionsInstallError)
      await expect(refusal).rejects.toThrow(/lockfile is out of date[\s\S]*make deno-lock/)
    }
    finally {
      writeFileSync(entry, original)
    }
  })

  it('names an unreachable registry as the cause', async () => {
    rmSync(process.env.DENO_DIR!, { recursive: true, force: true })
    // The lockfile knows where the tarball lives: the registry itself must be gone.
    registry.closeAllConnections()
    await new Promise(resolveClose => registry.close(resolveClose))
    await expect(installFunctionDependencies(config, {}, functionsRoot())).rejects.toThrow(/Connection refused[\s\S]*could not reach the npm registry/)
  })
})
