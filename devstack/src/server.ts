// The devstack's API process: all modules behind one gateway on 127.0.0.1. Started in the
// background by `make dev` (cli.ts) or in the foreground by `node devstack/src/cli.ts serve`.
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Server } from 'node:http'
import type { DevstackConfig } from './config.ts'
import { createGateway } from './gateway/server.ts'
import { moduleFactories, type DevstackModule } from './modules.ts'
import { CommitSignal } from './shared/commits.ts'
import { loadJwtKeys } from './shared/jwt.ts'

export const stateFile = (config: DevstackConfig) => join(config.dataDir, 'devstack.json')

export interface RunningDevstack {
  modules: DevstackModule[]
  gateway: Server
  stop: () => Promise<void>
}

export async function startDevstack(config: DevstackConfig): Promise<RunningDevstack> {
  const jwt = await loadJwtKeys(config)
  const modules: DevstackModule[] = []
  const commits = new CommitSignal()
  for (const factory of moduleFactories) modules.push(await factory({ config, jwt, commits }))
  for (const module of modules) await module.start?.()

  const gateway = createGateway(config, modules.flatMap(module => module.services ?? []))
  await new Promise<void>((resolveListen, rejectListen) => {
    gateway.once('error', rejectListen)
    gateway.listen(config.ports.api, '127.0.0.1', resolveListen)
  })

  console.log(`Devstack (${config.instance}) for development and tests only — never expose it. API ${config.apiUrl}`)
  const services = modules.flatMap(module => module.describe?.() ?? [])
  writeFileSync(stateFile(config), JSON.stringify({ pid: process.pid, apiUrl: config.apiUrl, startedAt: new Date().toISOString(), services }))

  let stopping: Promise<void> | undefined
  const stop = () => {
    stopping ??= (async () => {
      // close() waits for upgraded connections too (websockets), which only their module ends.
      const closed = new Promise<void>(resolveClose => gateway.close(() => resolveClose()))
      gateway.closeAllConnections()
      for (const module of [...modules].reverse()) {
        await module.stop?.().catch(error => console.error(`stopping ${module.name}:`, error))
        for (const service of module.services ?? []) await service.close?.()
      }
      await closed
      rmSync(stateFile(config), { force: true })
    })()
    return stopping
  }
  return { modules, gateway, stop }
}
