// Who is signed in on this device and what the database says about their second factor. Shared by
// the route guard, the layout and every auth page, so it is a store rather than a composable.
import { defineStore } from 'pinia'
import type { EmailOtpType, Session } from '@supabase/supabase-js'
import { clearDrafts } from '~/utils/drafts'
import { parseSecurityState, securityGate, type SecurityState } from '~/utils/security'

const sessionEndedCodes = new Set(['session_required', 'not_authenticated'])

export const useSessionStore = defineStore('session', () => {
  const supabase = useSupabase()
  let listening = false
  /** The client, with this store following its auth events from the first use on. */
  async function client() {
    const loaded = await supabase()
    if (!listening) {
      listening = true
      loaded.auth.onAuthStateChange((event, next) => {
        session.value = next
        if (event === 'SIGNED_OUT') security.value = null
      })
    }
    return loaded
  }
  const session = ref<Session | null>(null)
  const security = ref<SecurityState | null>(null)
  const ready = ref(false)

  const user = computed(() => session.value?.user ?? null)
  const persona = computed(() => security.value?.persona ?? null)
  /** The profile's name (what others see), else the name the account was invited with. */
  const displayName = computed(() => security.value?.displayName ?? String(session.value?.user.user_metadata?.display_name ?? ''))
  const gate = () => securityGate(Boolean(session.value), security.value, new Date())

  async function loadSecurity(): Promise<SecurityState | null> {
    if (!session.value) {
      security.value = null
      return null
    }
    const { data, error } = await (await client()).rpc('my_access_state')
    // The session was ended elsewhere (signed out everywhere, factors reset): sign in again.
    if (error && sessionEndedCodes.has(error.message)) {
      await signOut('local')
      return null
    }
    security.value = error ? null : parseSecurityState(data)
    return security.value
  }

  let initialising: Promise<void> | undefined
  /** Restores the session of this tab once; later calls wait for the first. */
  function init(): Promise<void> {
    initialising ??= (async () => {
      if (hasStoredSession()) {
        const { data } = await (await client()).auth.getSession()
        session.value = data.session
        if (data.session) await loadSecurity()
      }
      ready.value = true
    })()
    return initialising
  }

  async function signIn(email: string, password: string) {
    const { data, error } = await (await client()).auth.signInWithPassword({ email, password })
    if (error) throw error
    session.value = data.session
    await loadSecurity()
  }

  /** Signs in with the one-time token of an invitation or reset link. */
  async function verifyLink(tokenHash: string, type: EmailOtpType) {
    const { data, error } = await (await client()).auth.verifyOtp({ token_hash: tokenHash, type })
    if (error) throw error
    session.value = data.session
    return loadSecurity()
  }

  /** A saved profile: the name and language shown change at once, without asking the database again. */
  function applyProfile(profile: { display_name: string, locale: string }) {
    if (security.value) security.value = { ...security.value, displayName: profile.display_name, locale: profile.locale }
  }

  /** `local`: this device; `global`: every device; `others`: every device but this one. */
  async function signOut(scope: 'local' | 'global' | 'others' = 'local') {
    const { error } = await (await client()).auth.signOut({ scope })
    if (scope === 'others') {
      if (error) throw error
      return
    }
    // Server unreachable: this device forgets the session all the same (it lives in sessionStorage).
    if (error) sessionStorage.clear()
    // What was being written stays with the person, not with the device.
    clearDrafts()
    session.value = null
    security.value = null
  }

  return { session, security, ready, user, persona, displayName, gate, init, loadSecurity, applyProfile, signIn, verifyLink, signOut }
})
