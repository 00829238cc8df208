// The one Supabase client of the app, loaded on first use: supabase-js is a large part of the
// JavaScript, and the sign-in page can render without it.
// Sessions live in sessionStorage: they end with the tab, are never shared with other tabs, and
// the 12 h / 30 min limits apply on top (useSessionTimeout). The service worker never sees them.
import type { SupabaseClient } from '@supabase/supabase-js'

export const authStorageKey = 'portal.auth'

let client: Promise<SupabaseClient> | undefined

/** A loader for the client: the library is fetched on the first call of the returned function. */
export function useSupabase(): () => Promise<SupabaseClient> {
  const { supabaseUrl, supabaseAnonKey } = useRuntimeConfig().public
  return () => (client ??= import('@supabase/supabase-js').then(({ createClient }) => createClient(supabaseUrl, supabaseAnonKey, {
    auth: {
      persistSession: true,
      storage: globalThis.sessionStorage,
      storageKey: authStorageKey,
      autoRefreshToken: true,
      // Invitation and recovery links carry a token_hash that /passwort-setzen verifies itself.
      detectSessionInUrl: false,
    },
  })))
}

/** Whether this tab holds a session at all, known without loading supabase-js. */
export const hasStoredSession = () => globalThis.sessionStorage?.getItem(authStorageKey) != null
