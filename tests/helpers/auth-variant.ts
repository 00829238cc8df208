// Devstack only: a second, in-process Auth on the test database behind its own gateway, with
// config.toml overridden (hooks, signing keys, sign-up on, …) for behaviour the portal's own
// configuration switches off. It shares the test instance's database and mail sink.
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { afterAll, beforeAll } from 'vitest'
import { createAuth, createAuthService } from '../../devstack/src/auth/index.ts'
import { loadConfig, mergeToml } from '../../devstack/src/config.ts'
import { createGateway } from '../../devstack/src/gateway/server.ts'
import { loadJwtKeys } from '../../devstack/src/shared/jwt.ts'
import { testEnv } from './env.ts'

export interface AuthVariant {
  url: string
  /** supabase-js against this Auth (its own X-Forwarded-For address, as the test helpers send). */
  client: (ip?: string) => SupabaseClient
  stop: () => Promise<void>
}

export async function startAuthVariant(override: Record<string, unknown>): Promise<AuthVariant> {
  const base = loadConfig({ ...process.env, DEVSTACK_INSTANCE: 'test', DEVSTACK_TRUSTED_PROXIES: '127.0.0.1' })
  const config = { ...base, toml: mergeToml(base.toml, override) }
  const service = createAuthService(createAuth({ config, jwt: await loadJwtKeys(config) }))
  const server: Server = createGateway(config, [service])
  await new Promise<void>(resolveListen => server.listen(0, '127.0.0.1', resolveListen))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    client: ip => createClient(url, testEnv.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      global: ip ? { headers: { 'X-Forwarded-For': ip } } : {},
    }),
    async stop() {
      await new Promise<void>(resolveClose => server.close(() => resolveClose()))
      server.closeAllConnections()
      await service.close!()
    },
  }
}

/** One variant for the enclosing describe block: started before its tests, stopped after them. */
export function useAuthVariant(override: Record<string, unknown>): () => AuthVariant {
  let variant: AuthVariant | undefined
  beforeAll(async () => {
    variant = await startAuthVariant(override)
  })
  afterAll(() => variant?.stop())
  return () => variant!
}
