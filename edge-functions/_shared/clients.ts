// supabase-js clients for functions: as the caller (RLS and the RPCs decide, as everywhere) or as
// the service role (Auth admin API, the mail outbox). Never for the browser: no session storage.
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import type { CallRpc } from './errors.ts'

const serverSide = { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } }

function requiredEnv(name: string): string {
  const value = Deno.env.get(name)
  if (!value) throw new Error(`${name} is not set`)
  return value
}

/** Acts as whoever called the function: the request's Authorization header travels along. */
export function callerClient(req: Request): SupabaseClient {
  return createClient(requiredEnv('SUPABASE_URL'), requiredEnv('SUPABASE_ANON_KEY'), {
    ...serverSide,
    global: { headers: { Authorization: req.headers.get('authorization') ?? '' } },
  })
}

/** RPCs as the caller: Postgres decides. */
export function callerRpc(req: Request): CallRpc {
  const client = callerClient(req)
  return async (name, args) => await client.rpc(name, args)
}

let service: SupabaseClient | undefined

/** The service role: bypasses RLS. Only for what a caller must not do itself. */
export function serviceClient(): SupabaseClient {
  service ??= createClient(requiredEnv('SUPABASE_URL'), requiredEnv('SUPABASE_SERVICE_ROLE_KEY'), serverSide)
  return service
}
