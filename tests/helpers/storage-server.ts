// A Storage API process of its own for tests that kill it or measure its memory: the devstack's
// storage module alone, on a free port, with its files in STORAGE_DIR, against the test database.
// Prints {"port": N} once it listens.
import type { AddressInfo } from 'node:net'
import { loadConfig } from '../../devstack/src/config.ts'
import { createGateway } from '../../devstack/src/gateway/server.ts'
import { loadJwtKeys } from '../../devstack/src/shared/jwt.ts'
import { storageModule } from '../../devstack/src/storage/index.ts'

const storageDir = process.env.STORAGE_DIR
if (!storageDir) throw new Error('STORAGE_DIR must name the folder for this server\'s files')
const config = { ...loadConfig({ DEVSTACK_INSTANCE: 'test', ...process.env }), storageDir }
const storage = await storageModule({ config, jwt: await loadJwtKeys(config) })
await storage.start?.()
const gateway = createGateway(config, storage.services ?? [])
gateway.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: (gateway.address() as AddressInfo).port }))
})
