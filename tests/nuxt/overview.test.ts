// The overview (/) in a Nuxt environment, with Supabase replaced by fakes (who sees what is
// pgTAP's): the pinned and newest pages with their marker, re-read live when a page is published
// for the person; the next appointments with the client's answer; the counts as links.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mockNuxtImport, mountSuspended } from '@nuxt/test-utils/runtime'
import { flushPromises } from '@vue/test-utils'
import { h } from 'vue'
import OverviewAppointments from '~/components/overview/OverviewAppointments.vue'
import OverviewCounts from '~/components/overview/OverviewCounts.vue'
import OverviewPages from '~/components/overview/OverviewPages.vue'
import type { PageListRow } from '~/utils/pages'
import { createFakeSupabase, fakeSession, type FakeSupabase } from './fake-supabase'
import WithLazyTexts from './WithLazyTexts.vue'

const { supabaseRef, topics } = vi.hoisted(() => ({
  supabaseRef: { current: undefined as unknown },
  // Realtime itself is proven in realtime-topic.test.ts; here a test delivers the broadcast.
  topics: new Map<string, { onMessage: (message: { event: string, payload: Record<string, unknown> }) => void, onJoin?: () => void }>(),
}))
mockNuxtImport('useSupabase', () => () => async () => supabaseRef.current)
mockNuxtImport('useRealtimeTopic', () => (topic: () => string | null, listener: { onMessage: () => void }) => {
  const name = topic()
  if (name) topics.set(name, listener)
  return { state: { value: 'live' } }
})

const mount = (component: object) => mountSuspended(WithLazyTexts, { slots: { default: () => h(component as never) } })
const page = (over: Partial<PageListRow>): PageListRow => ({
  id: 'p1', slug: 'baustellentermine-p1', title: 'Baustellentermine', excerpt: null, pinned: true, published: true,
  published_at: '2026-12-01T09:00:00Z', listed_at: '2026-12-01T09:00:00Z', archived_at: null, unread: true, audiences: [], ...over,
})
const listPageCalls = () => supabase.rpc.mock.calls.filter(([name]) => name === 'list_pages')

let supabase: FakeSupabase
beforeEach(async () => {
  supabase = createFakeSupabase()
  supabaseRef.current = supabase
  topics.clear()
  useSessionStore().session = fakeSession({ id: 'client-1' })
  await useNuxtApp().$i18n.setLocale('de')
})

describe('the overview', () => {
  it('shows the first five pages, pinned and unread marked, and re-reads them when a page is published for the person', async () => {
    supabase.rpcAnswers.set('list_pages', { data: [page({})] })
    const wrapper = await mount(OverviewPages)
    await flushPromises()
    expect(listPageCalls()[0]![1]).toMatchObject({ max_count: 5, after_id: null })
    const link = wrapper.get('a[data-page-row]')
    expect(link.attributes('href')).toBe('/seiten/baustellentermine-p1')
    expect(link.text()).toContain('Neu')
    expect(link.find('[aria-label="Angeheftet"]').exists()).toBe(true)
    expect(wrapper.get('a[href="/seiten"]').text()).toBe('Alle Seiten')

    supabase.rpcAnswers.set('list_pages', { data: [page({ id: 'p2', slug: 'rundschreiben-p2', title: 'Rundschreiben', pinned: false }), page({})] })
    topics.get('user:client-1')!.onMessage({ event: 'notification_created', payload: { record: { entity_type: 'conversation' } } })
    topics.get('user:client-1')!.onMessage({ event: 'notification_created', payload: { record: { entity_type: 'page' } } })
    await vi.waitFor(() => expect(wrapper.findAll('a[data-page-row]')).toHaveLength(2))
    expect(listPageCalls()).toHaveLength(2)
  })

  it('says so when there are no pages, and offers a retry when the list cannot be read', async () => {
    const wrapper = await mount(OverviewPages)
    await flushPromises()
    expect(wrapper.text()).toContain('Noch keine Seiten für Sie.')
    supabase.rpcAnswers.set('list_pages', { error: { message: 'mfa_required', code: 'P0001' }, status: 400 })
    const failing = await mount(OverviewPages)
    await flushPromises()
    expect(failing.get('[role="alert"]').text()).toContain('Erneut versuchen')
  })

  it('shows the next three appointments with the client\'s answer and links to /termine', async () => {
    supabase.rpcAnswers.set('upcoming_appointments', { data: [
      { id: 'a1', title: 'Baubesprechung', starts_at: '2099-12-14T08:30:00Z', ends_at: '2099-12-14T09:30:00Z', time_zone: 'Europe/Berlin',
        location: 'Kanzlei', video_call: false, page_slug: null, page_title: null,
        responses: [{ client_id: 'c', response: 'confirmed', note: null, responded_at: '2026-12-03T10:00:00Z' }] },
      { id: 'a2', title: 'Gütetermin', starts_at: '2099-12-15T08:30:00Z', ends_at: '2099-12-15T09:30:00Z', time_zone: 'Europe/Berlin',
        location: null, video_call: true, page_slug: null, page_title: null, responses: [] },
    ] })
    const wrapper = await mount(OverviewAppointments)
    await flushPromises()
    expect(supabase.rpc).toHaveBeenCalledWith('upcoming_appointments', { max_count: 3 })
    const rows = wrapper.findAll('[data-appointment-row]')
    expect(rows.map(row => row.get('[data-answer]').text())).toEqual(['Sie haben zugesagt.', 'Sie haben noch nicht geantwortet.'])
    expect(rows[0]!.text()).toMatch(/Baubesprechung.*14\. Dezember 2099.*09:30.*Kanzlei/)
    expect(rows[1]!.text()).toContain('Online per Video')
    expect(wrapper.get('a[href="/termine"]').text()).toBe('Alle Termine und Kalender-Abo')
  })

  it('counts unread messages (the badge\'s figure) and open tickets (open and pending) as links', async () => {
    supabase.rpcAnswers.set('my_unread_message_count', { data: 3 })
    supabase.rpcAnswers.set('ticket_status_counts', { data: { open: 1, pending: 1, resolved: 4, closed: 9 } })
    const wrapper = await mount(OverviewCounts)
    await flushPromises()
    expect(wrapper.get('[data-count="messages"]').attributes('href')).toBe('/nachrichten')
    expect(wrapper.get('[data-count="messages"]').text()).toBe('3 ungelesene Nachrichten')
    expect(wrapper.get('[data-count="tickets"]').attributes('href')).toBe('/tickets')
    expect(wrapper.get('[data-count="tickets"]').text()).toBe('2 offene Tickets')
    useBadgesStore().set('messages', 1)
    await flushPromises()
    expect(wrapper.get('[data-count="messages"]').text()).toBe('1 ungelesene Nachricht')
  })
})
