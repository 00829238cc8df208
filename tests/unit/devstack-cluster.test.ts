// The cluster manager's refusals: it reports a broken state and never deletes data by itself.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig, type DevstackConfig } from '../../devstack/src/config.ts'
import { ClusterError, clusterState, createCluster, postmasterPid, startCluster } from '../../devstack/src/db/cluster.ts'

const scratchDirs: string[] = []
function scratchConfig(): DevstackConfig {
  const dataDir = mkdtempSync(join(tmpdir(), 'devstack-unit-'))
  scratchDirs.push(dataDir)
  return { ...loadConfig({}), dataDir, pgDataDir: join(dataDir, 'postgres') }
}

let server: Server | undefined
afterEach(() => {
  server?.close()
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('cluster state', () => {
  it('reports a data folder without the creation marker as incomplete and refuses to touch it', () => {
    const config = scratchConfig()
    mkdirSync(config.pgDataDir)
    writeFileSync(join(config.pgDataDir, 'PG_VERSION'), '15\n')
    expect(clusterState(config)).toBe('incomplete')
    expect(() => createCluster(config)).toThrow(ClusterError)
    expect(() => createCluster(config)).toThrow(/incomplete.*Nothing was deleted/s)
    expect(existsSync(join(config.pgDataDir, 'PG_VERSION'))).toBe(true)
  })

  it('treats a pid file of a process that is gone as stale', () => {
    const config = scratchConfig()
    mkdirSync(config.pgDataDir)
    writeFileSync(join(config.pgDataDir, 'devstack-created'), 'x\n')
    writeFileSync(join(config.pgDataDir, 'postmaster.pid'), '999999999\n')
    expect(postmasterPid(config)).toBeNull()
    expect(clusterState(config)).toBe('stopped')
  })

  it('does not mistake another live process for the postmaster', () => {
    const config = scratchConfig()
    mkdirSync(config.pgDataDir)
    writeFileSync(join(config.pgDataDir, 'postmaster.pid'), `${process.pid}\n`)
    expect(postmasterPid(config)).toBeNull()
  })

  it('names the busy port instead of failing obscurely', async () => {
    server = createServer()
    await new Promise<void>(resolveListen => server!.listen(0, '127.0.0.1', resolveListen))
    const port = (server.address() as { port: number }).port
    const config = scratchConfig()
    config.ports.db = port
    mkdirSync(config.pgDataDir)
    writeFileSync(join(config.pgDataDir, 'devstack-created'), 'x\n')
    await expect(startCluster(config)).rejects.toThrow(new RegExp(`Port ${port} .* in use`))
  })
})

describe('config', () => {
  it('shifts every port of the test instance by 1000 and adds DEVSTACK_PORT_OFFSET', () => {
    const dev = loadConfig({})
    const test = loadConfig({ DEVSTACK_INSTANCE: 'test', DEVSTACK_PORT_OFFSET: '100' })
    expect(dev.ports).toMatchObject({ api: 54321, db: 54322, inbox: 54324 })
    expect(test.ports).toMatchObject({ api: 55421, db: 55422, inbox: 55424 })
    expect(test.dataDir.endsWith(join('.data', 'test'))).toBe(true)
    expect(test.siteUrl).toBe('http://127.0.0.1:4100')
  })

  it('refuses a nonsensical port offset', () => {
    expect(() => loadConfig({ DEVSTACK_PORT_OFFSET: '-5' })).toThrow(/DEVSTACK_PORT_OFFSET/)
  })
})
