// The one Supabase client of the app, loaded on first use and built from supabase-js's parts: Auth
// and REST (what the route guard and every page need) come first; Realtime, Storage and Functions
// load when a page first uses them (`await client.realtime()`), so pages without live updates,
// downloads or edge functions never load them. The wiring is supabase-js's own (SupabaseClient):
// every request carries the anon key as `apikey` and the session's access token (else the anon
// key) as bearer; Realtime gets each new token as Auth refreshes it.
// Sessions live in sessionStorage: they end with the tab, are never shared with other tabs, and
// the 12 h / 30 min limits apply on top (useSessionTimeout). The service worker never sees them.
import type { PortalClient } from '~/utils/portal-client'

export const authStorageKey = 'portal.auth'

let client: Promise<PortalClient> | undefined

/** A loader for the client: its code is fetched on the first call of the returned function. */
export function useSupabase(): () => Promise<PortalClient> {
  const { supabaseUrl, supabaseAnonKey } = useRuntimeConfig().public
  return () => (client ??= import('~/utils/portal-client').then(({ createPortalClient }) => createPortalClient(supabaseUrl, supabaseAnonKey, authStorageKey)))
}

/** Whether this tab holds a session at all, known without loading supabase-js. */
export const hasStoredSession = () => globalThis.sessionStorage?.getItem(authStorageKey) != null
