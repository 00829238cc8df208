// The devstack's parts. Each module contributes HTTP services behind the gateway and/or
// background work (SMTP sink, request-queue drain, replication reader); the server starts them
// in this order and stops them in reverse.
import { authModule } from './auth/index.ts'
import type { DevstackConfig } from './config.ts'
import { functionsModule } from './functions/index.ts'
import type { HttpService } from './gateway/server.ts'
import { mailModule } from './mail/index.ts'
import { netModule } from './net/index.ts'
import type { CommitSignal } from './shared/commits.ts'
import type { JwtKeys } from './shared/jwt.ts'
import { realtime } from './realtime/index.ts'
import { restModule } from './rest/index.ts'
import { storageModule } from './storage/index.ts'

export interface DevstackContext {
  config: DevstackConfig
  jwt: JwtKeys
  /** Told by REST after each committed write (absent where a module runs on its own, e.g. in tests). */
  commits?: CommitSignal
}

export interface DevstackModule {
  name: string
  services?: HttpService[]
  start?: () => Promise<void>
  stop?: () => Promise<void>
  /** Lines for `make dev`'s "what runs where". */
  describe?: () => string[]
}

export type ModuleFactory = (context: DevstackContext) => Promise<DevstackModule> | DevstackModule

// Mail first: Auth sends through its SMTP sink.
export const moduleFactories: ModuleFactory[] = [mailModule, authModule, restModule, storageModule, realtime, functionsModule, netModule]
