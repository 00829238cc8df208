// Verwaltung components in a Nuxt environment, with Supabase replaced by fakes: the access review
// for a client and for a matter (one component, the database's answer in words) and the audit
// log's person picker (a search through list_people, not a typed id).
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mockNuxtImport, mountSuspended } from '@nuxt/test-utils/runtime'
import { flushPromises } from '@vue/test-utils'
import { h } from 'vue'
import AdminAccessReview from '~/components/admin/AdminAccessReview.vue'
import AdminPersonPicker from '~/components/admin/AdminPersonPicker.vue'
import { createFakeSupabase, type FakeSupabase } from './fake-supabase'
import WithLazyTexts from './WithLazyTexts.vue'

const { supabaseRef } = vi.hoisted(() => ({ supabaseRef: { current: undefined as unknown } }))
mockNuxtImport('useSupabase', () => () => async () => supabaseRef.current)

const mount = <P extends Record<string, unknown>>(component: object, props: P) =>
  mountSuspended(WithLazyTexts, { slots: { default: () => h(component as never, props) } })

const jonas = '1b0e0000-0000-4000-8000-000000000001'
const gast = '1b0e0000-0000-4000-8000-000000000002'
let supabase: FakeSupabase
beforeEach(async () => {
  supabase = createFakeSupabase()
  supabaseRef.current = supabase
  await useNuxtApp().$i18n.setLocale('de')
})

describe('the access review', () => {
  it('names for a matter who sees it and why: staff, the client\'s users with role, guests with who added them, open invitations', async () => {
    supabase.rpcAnswers.set('access_review_matter', {
      data: {
        matter: { id: 'm1', title: 'Kündigungsschutz', reference: 'AK-2026-001', client_id: 'c1' },
        people: [
          { user_id: 's1', display_name: 'Dr. Anna Mustermann', reason: 'admin', role: null, invited_by: null },
          { user_id: jonas, display_name: 'Jonas Becker', reason: 'member', role: 'owner', invited_by: null },
          { user_id: gast, display_name: 'Gustav Gast', reason: 'guest', role: null, invited_by: 'Jonas Becker' },
        ],
        open_invitations: [{ id: 'i1', email: 'steuer@example.com', expires_at: '2026-12-10T09:00:00Z' }],
      },
    })
    const review = await mount(AdminAccessReview, { matterId: 'm1' })
    await flushPromises()
    expect(supabase.rpc).toHaveBeenCalledWith('access_review_matter', { matter_id: 'm1' })
    expect(supabase.rpc).not.toHaveBeenCalledWith('access_review_client', expect.anything())
    const text = review.text()
    expect(text).toContain('Wer diese Akte sieht – und warum')
    expect(text).toContain('Dr. Anna Mustermann – Administrator der Kanzlei')
    expect(text).toMatch(/Jonas Becker – Zugang des Mandanten \(\S+/)
    expect(text).toContain('Gustav Gast – Gast dieser Akte, hinzugefügt von Jonas Becker')
    expect(text).toContain('Einladung an steuer@example.com offen bis 10.12.26, 10:00')

    await useNuxtApp().$i18n.setLocale('en')
    await flushPromises()
    expect(review.text()).toContain('Who sees this matter – and why')
  })

  it('names for a client its guests with their matter and the pages its groups receive', async () => {
    supabase.rpcAnswers.set('access_review_client', {
      data: {
        people: [{ user_id: gast, display_name: 'Gustav Gast', reason: 'guest', role: null, matter_title: 'Kündigungsschutz' }],
        groups: [{ id: 'g1', name: 'Arbeitsrecht', pages: [{ id: 'p1', title: 'Neues zum Kündigungsschutz' }] }],
      },
    })
    const review = await mount(AdminAccessReview, { clientId: 'c1' })
    await flushPromises()
    expect(supabase.rpc).toHaveBeenCalledWith('access_review_client', { client_id: 'c1' })
    expect(review.text()).toContain('Wer diesen Mandanten sieht – und warum')
    expect(review.text()).toContain('Gustav Gast – Gast in der Akte Kündigungsschutz')
    expect(review.text()).toContain('Gruppe Arbeitsrecht: Seiten Neues zum Kündigungsschutz')
  })

  it('says in words when the database refuses the review', async () => {
    supabase.rpcAnswers.set('access_review_matter', { data: null, error: { code: 'P0001', message: 'forbidden' }, status: 400 })
    const review = await mount(AdminAccessReview, { matterId: 'm1' })
    // The alert's code loads with the first error.
    await vi.waitFor(() => expect(review.text()).toContain('Dazu fehlt Ihnen die Berechtigung.'))
    expect(review.findAll('li')).toHaveLength(0)
  })
})

describe('the audit log\'s person picker', () => {
  it('searches people by name or e-mail through list_people and chooses one by its suggestion', async () => {
    supabase.rpcAnswers.set('list_people', { data: [
      { user_id: jonas, display_name: 'Jonas Becker', email: 'j.becker@mustermann-gmbh.de' },
      { user_id: gast, display_name: 'Gustav Gast', email: null },
    ] })
    const chosen: string[] = []
    const picker = await mount(AdminPersonPicker, { 'label': 'Person', 'modelValue': '', 'onUpdate:modelValue': (id: string) => chosen.push(id) })
    const input = picker.get('input[type="search"]')
    expect(input.attributes('placeholder')).toBe('Name oder E-Mail-Adresse eingeben')
    vi.useFakeTimers()
    await input.setValue('beck')
    await vi.advanceTimersByTimeAsync(250)
    vi.useRealTimers()
    await flushPromises()
    expect(supabase.rpc).toHaveBeenCalledWith('list_people', { search: 'beck', max_rows: 12 })
    const options = picker.findAll('datalist option').map(option => option.attributes('value'))
    expect(options).toEqual(['Jonas Becker <j.becker@mustermann-gmbh.de>', 'Gustav Gast'])
    expect(chosen).toEqual([])

    await input.setValue('Jonas Becker <j.becker@mustermann-gmbh.de>')
    expect(chosen).toEqual([jonas])
  })

  it('shows the name of a person chosen by the URL, and "former user" for one whose profile was erased', async () => {
    supabase.tableAnswers.set('profiles', { data: { display_name: 'Jonas Becker' } })
    const named = await mount(AdminPersonPicker, { label: 'Person', modelValue: jonas })
    await flushPromises()
    expect((named.get('input').element as HTMLInputElement).value).toBe('Jonas Becker')

    supabase.tableAnswers.set('profiles', { data: null })
    const erased = await mount(AdminPersonPicker, { label: 'Person', modelValue: gast })
    await flushPromises()
    expect((erased.get('input').element as HTMLInputElement).value).toBe('ehemaliger Nutzer')
  })
})
