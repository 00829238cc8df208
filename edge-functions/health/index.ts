// GET/POST /functions/v1/health — is the platform up? (verify_jwt = false: monitors call it without a token)
import { database } from '../_shared/database.ts'
import { readVaultSecret } from '../_shared/vault.ts'
import { health } from './health.ts'

Deno.serve(req => health(req, {
  now: () => new Date(),
  schedulerConfigured: async () => (await readVaultSecret(database(), 'project_url')) !== null,
}))
