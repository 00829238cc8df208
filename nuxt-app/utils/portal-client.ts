// The Supabase client of the app, built from supabase-js's parts (see composables/useSupabase.ts):
// Auth and REST at once, Realtime, Storage and Functions on first use.
import { GoTrueClient } from '@supabase/auth-js'
import type { FunctionsClient } from '@supabase/functions-js'
import { PostgrestClient } from '@supabase/postgrest-js'
import type { RealtimeClient } from '@supabase/realtime-js'
import type { StorageClient } from '@supabase/storage-js'

export interface PortalClient {
  auth: GoTrueClient
  from: PostgrestClient['from']
  rpc: PostgrestClient['rpc']
  /** Realtime, loaded and connected on first use. */
  realtime: () => Promise<RealtimeClient>
  storage: () => Promise<StorageClient>
  functions: () => Promise<FunctionsClient>
}

export function createPortalClient(url: string, key: string, storageKey: string): PortalClient {
  const auth = new GoTrueClient({
    url: `${url}/auth/v1`,
    headers: { Authorization: `Bearer ${key}`, apikey: key },
    storageKey,
    storage: globalThis.sessionStorage,
    persistSession: true,
    autoRefreshToken: true,
    // Invitation and recovery links carry a token_hash that /passwort-setzen verifies itself.
    detectSessionInUrl: false,
  })
  const sessionToken = async () => (await auth.getSession()).data.session?.access_token ?? null

  /** fetch with the project key and the caller's token; `bearerKey: false` sends no bearer without a session (as for functions). */
  const authorised = (bearerKey: boolean): typeof fetch => async (input, init) => {
    const headers = new Headers(init?.headers)
    if (!headers.has('apikey')) headers.set('apikey', key)
    const token = (await sessionToken()) ?? (bearerKey ? key : null)
    if (token && !headers.has('Authorization')) headers.set('Authorization', `Bearer ${token}`)
    return fetch(input, { ...init, headers })
  }
  const rest = new PostgrestClient(`${url}/rest/v1`, { fetch: authorised(true) })

  let realtime: Promise<RealtimeClient> | undefined
  let tokenGiven: string | undefined
  auth.onAuthStateChange((event, session) => {
    if (!realtime) return
    if ((event === 'TOKEN_REFRESHED' || event === 'SIGNED_IN' || event === 'INITIAL_SESSION') && session?.access_token !== tokenGiven) {
      tokenGiven = session?.access_token
      void realtime.then(client => client.setAuth(tokenGiven ?? null))
    }
    else if (event === 'SIGNED_OUT') {
      tokenGiven = undefined
      void realtime.then(client => client.setAuth())
    }
  })

  return {
    auth,
    from: rest.from.bind(rest),
    rpc: rest.rpc.bind(rest),
    realtime: () => (realtime ??= import('@supabase/realtime-js').then(({ RealtimeClient }) =>
      new RealtimeClient(`${url.replace(/^http/, 'ws')}/realtime/v1`, {
        params: { apikey: key },
        accessToken: async () => (await sessionToken()) ?? key,
        fetch: authorised(true),
      }))),
    storage: () => import('@supabase/storage-js').then(({ StorageClient }) => new StorageClient(`${url}/storage/v1`, {}, authorised(true))),
    functions: () => import('@supabase/functions-js').then(({ FunctionsClient }) => new FunctionsClient(`${url}/functions/v1`, { customFetch: authorised(false) })),
  }
}
