import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mockNuxtImport } from '@nuxt/test-utils/runtime'
import { createPinia, setActivePinia } from 'pinia'
import { createFakeSupabase, fakeSession, type FakeSupabase } from './fake-supabase'
import { readStoredDraft, writeStoredDraft } from '~/utils/drafts'

const { supabaseRef } = vi.hoisted(() => ({ supabaseRef: { current: undefined as unknown } }))
mockNuxtImport('useSupabase', () => () => async () => supabaseRef.current)

// The shape of my_access_state() (supabase/README.md).
const securityAnswer = { persona: 'client', factors: { totp: 1, email: false }, has_factor: true, grace_period_ends_at: '2026-11-30T00:00:00Z', in_grace_period: true, session_verified: false, step_up_required: true, enrolment_required: false, access_allowed: false }

describe('session store', () => {
  let supabase: FakeSupabase
  beforeEach(() => {
    setActivePinia(createPinia())
    supabase = createFakeSupabase()
    supabaseRef.current = supabase
    sessionStorage.clear()
  })

  it('knows without loading Supabase that a tab without a stored session is signed out', async () => {
    const store = useSessionStore()
    await store.init()
    expect(store.gate()).toBe('sign-in')
    expect(supabase.auth.getSession).not.toHaveBeenCalled()
  })

  it('signs in, then asks the database which step comes next', async () => {
    supabase.rpcAnswers.set('my_access_state', { data: securityAnswer })
    const store = useSessionStore()
    await store.signIn('mandantin@example.com', 'Regenschirm Tanzt Leise')
    expect(supabase.auth.signInWithPassword).toHaveBeenCalledWith({ email: 'mandantin@example.com', password: 'Regenschirm Tanzt Leise' })
    expect(store.persona).toBe('client')
    expect(store.gate()).toBe('step-up')
  })

  it('passes a refused sign-in on and stays signed out', async () => {
    const refusal = { name: 'AuthApiError', code: 'invalid_credentials', status: 400 }
    supabase.auth.signInWithPassword.mockResolvedValueOnce({ data: { session: null }, error: refusal })
    const store = useSessionStore()
    await expect(store.signIn('x@example.com', 'falsch-falsch-falsch')).rejects.toBe(refusal)
    expect(store.gate()).toBe('sign-in')
    expect(supabase.rpc).not.toHaveBeenCalled()
  })

  it('counts a session whose security state cannot be read as unavailable, not as open', async () => {
    sessionStorage.setItem('portal.auth', '{}')
    supabase.auth.getSession.mockResolvedValueOnce({ data: { session: fakeSession() }, error: null })
    supabase.rpcAnswers.set('my_access_state', { error: { message: 'no Route matched' }, status: 404 })
    const store = useSessionStore()
    await store.init()
    expect(store.gate()).toBe('unavailable')
  })

  it('sends a session that was ended elsewhere back to the sign-in, not to the second factor', async () => {
    sessionStorage.setItem('portal.auth', '{}')
    supabase.auth.getSession.mockResolvedValueOnce({ data: { session: fakeSession() }, error: null })
    supabase.rpcAnswers.set('my_access_state', { error: { code: 'P0001', message: 'session_required' }, status: 400 })
    const store = useSessionStore()
    await store.init()
    expect(supabase.auth.signOut).toHaveBeenCalledWith({ scope: 'local' })
    expect(store.gate()).toBe('sign-in')
  })

  it('forgets the session on this device even when the server cannot be reached', async () => {
    supabase.rpcAnswers.set('my_access_state', { data: securityAnswer })
    const store = useSessionStore()
    await store.signIn('mandantin@example.com', 'Regenschirm Tanzt Leise')
    sessionStorage.setItem('portal.auth', '{"stale":true}')
    supabase.auth.signOut.mockResolvedValueOnce({ error: { name: 'AuthRetryableFetchError', status: 0 } })
    await store.signOut('global')
    expect(supabase.auth.signOut).toHaveBeenCalledWith({ scope: 'global' })
    expect(sessionStorage.getItem('portal.auth')).toBeNull()
    expect(store.gate()).toBe('sign-in')
  })

  it('keeps this device signed in when signing out the others', async () => {
    supabase.rpcAnswers.set('my_access_state', { data: { ...securityAnswer, step_up_required: false, access_allowed: true } })
    const store = useSessionStore()
    await store.signIn('mandantin@example.com', 'Regenschirm Tanzt Leise')
    writeStoredDraft('message.c1', { body: 'Noch nicht fertig', id: 'd1' }, true)
    await store.signOut('others')
    expect(supabase.auth.signOut).toHaveBeenCalledWith({ scope: 'others' })
    expect(store.gate()).toBe('open')
    expect(readStoredDraft('message.c1', () => ({ body: '', id: 'fresh' })).body).toBe('Noch nicht fertig')
  })

  it('forgets every draft of the tab at a successful sign-out, and only the drafts', async () => {
    supabase.rpcAnswers.set('my_access_state', { data: securityAnswer })
    const store = useSessionStore()
    await store.signIn('mandantin@example.com', 'Regenschirm Tanzt Leise')
    writeStoredDraft('message.c1', { body: 'Vertraulicher Entwurf', id: 'd1' }, true)
    writeStoredDraft('ticket.t1.reply', { body: 'Antwort', id: 'd2' }, true)
    sessionStorage.setItem('portal.locale-hint', 'de')
    await store.signOut('local')
    expect(supabase.auth.signOut).toHaveBeenCalledWith({ scope: 'local' })
    expect(Object.keys(sessionStorage).filter(key => key.startsWith('portal.draft.'))).toEqual([])
    expect(readStoredDraft('ticket.t1.reply', () => ({ body: '', id: 'fresh' }))).toEqual({ body: '', id: 'fresh' })
    expect(sessionStorage.getItem('portal.locale-hint')).toBe('de')
  })
})
