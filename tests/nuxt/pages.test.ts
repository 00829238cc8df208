// Sonderseiten and Termine in a Nuxt environment, with Supabase replaced by fakes (who may see and
// answer what is pgTAP's and the integration tests'): the list's markers, the Markdown renderer's
// sanitizing, what an answer sends and the refusal it names, and the calendar subscription.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mockNuxtImport, mountSuspended } from '@nuxt/test-utils/runtime'
import { flushPromises } from '@vue/test-utils'
import { h } from 'vue'
import AppointmentCard from '~/components/appointments/AppointmentCard.vue'
import CalendarSubscription from '~/components/appointments/CalendarSubscription.vue'
import PageList from '~/components/pages/PageList.vue'
import { renderPageMarkdown } from '~/utils/markdown'
import { answerCounts, formatAppointmentTime, latestAnswer, localAppointmentTime, pageListArguments, type Appointment, type PageListRow } from '~/utils/pages'
import { createFakeSupabase, type FakeSupabase } from './fake-supabase'
import WithLazyTexts from './WithLazyTexts.vue'

const { supabaseRef } = vi.hoisted(() => ({ supabaseRef: { current: undefined as unknown } }))
mockNuxtImport('useSupabase', () => () => async () => supabaseRef.current)

const mount = <P extends Record<string, unknown>>(component: object, props: P) =>
  mountSuspended(WithLazyTexts, { slots: { default: () => h(component as never, props) } })

const row = (over: Partial<PageListRow>): PageListRow => ({
  id: 'd0000000-0000-4000-8000-000000000001', slug: 'guetetermin-00000001', title: 'Gütetermin', excerpt: 'Bitte bringen Sie mit', pinned: false,
  published: true, published_at: '2026-12-01T09:00:00Z', listed_at: '2026-12-01T09:00:00Z', archived_at: null, unread: false, audiences: [], ...over,
})
const appointment: Appointment = {
  id: 'd1000000-0000-4000-8000-000000000001', title: 'Gütetermin Arbeitsgericht', description: null,
  starts_at: '2099-12-14T08:30:00Z', ends_at: '2099-12-14T09:30:00Z', time_zone: 'Europe/Berlin', location: 'Saal 2.14', video_call: false,
  responses: [],
}

let supabase: FakeSupabase
beforeEach(async () => {
  supabase = createFakeSupabase()
  supabaseRef.current = supabase
  await useNuxtApp().$i18n.setLocale('de')
})

describe('the page list', () => {
  it('marks unread and pinned pages and links each by its slug; staff see the status', async () => {
    const wrapper = await mount(PageList, { rows: [row({ pinned: true, unread: true }), row({ id: 'd0000000-0000-4000-8000-000000000002', slug: 'entwurf-00000002', title: 'Entwurf', published: false, published_at: null })], staff: true })
    const links = wrapper.findAll('a[data-page-row]')
    expect(links.map(link => link.attributes('href'))).toEqual(['/seiten/guetetermin-00000001', '/seiten/entwurf-00000002'])
    expect(links[0]!.text()).toContain('Neu')
    expect(links[0]!.find('[aria-label="Angeheftet"]').exists()).toBe(true)
    expect(links[1]!.text()).toContain('Entwurf')
    expect(links[1]!.text()).not.toContain('Neu')
  })

  it('tells a client whether a page is its own alone or which of its groups it reached', async () => {
    const wrapper = await mount(PageList, { rows: [
      row({ audiences: [{ kind: 'client', id: 'c0000000-0000-4000-8000-000000000001', name: 'Müller Bau GmbH' }] }),
      row({ id: 'd0000000-0000-4000-8000-000000000002', slug: 'gruppe-00000002', audiences: [{ kind: 'group', id: 'g0000000-0000-4000-8000-000000000001', name: 'Bau und Logistik' }] }),
    ], staff: false })
    const links = wrapper.findAll('a[data-page-row]')
    expect(links[0]!.text()).toContain('nur für Sie')
    expect(links[0]!.text()).not.toContain('Müller Bau GmbH')
    expect(links[1]!.text()).toContain('Bau und Logistik')
    expect(links[1]!.text()).not.toContain('nur für Sie')
  })

  it('asks for the next page after the last row (pinned, time, id)', () => {
    expect(pageListArguments(null, 25)).toEqual({ max_count: 25, after_pinned: null, after_listed_at: null, after_id: null })
    expect(pageListArguments({ pinned: true, listedAt: '2026-12-01T09:00:00Z', id: 'x' }, 25))
      .toEqual({ max_count: 25, after_pinned: true, after_listed_at: '2026-12-01T09:00:00Z', after_id: 'x' })
  })
})

describe('a page body', () => {
  // DOMPurify, the second guard, needs a real browser's DOM (happy-dom's parser makes it drop everything).
  it('renders Markdown, escapes raw HTML, refuses script links and opens links outside the portal', () => {
    const { html } = renderPageMarkdown('## Gütetermin\n\n**Bitte** mitbringen <img src=x onerror="alert(1)"><script>alert(2)</script>\n\n[BMJ](https://www.bmj.de/) [x](javascript:alert(3))')
    expect(html).toContain('<h2>Gütetermin</h2>')
    expect(html).toContain('<strong>Bitte</strong>')
    expect(html).not.toMatch(/<img|<script/)
    expect(html).toContain('&lt;script&gt;')
    expect(html).toContain('<a href="https://www.bmj.de/" target="_blank" rel="noopener noreferrer">BMJ</a>')
    expect(html).not.toContain('href="javascript:')
  })
})

describe('an appointment', () => {
  it('accepts through respond_to_appointment and tells the page to read it again', async () => {
    supabase.rpcAnswers.set('respond_to_appointment', { data: { response: 'confirmed', responded_at: '2026-12-03T10:00:00Z', client_id: 'b' } })
    const wrapper = await mount(AppointmentCard, { appointment, canAnswer: true })
    expect(wrapper.get('[data-answer]').text()).toBe('Sie haben noch nicht geantwortet.')
    await wrapper.get('[data-response="confirmed"]').trigger('click')
    await flushPromises()
    expect(supabase.rpc).toHaveBeenCalledWith('respond_to_appointment', { appointment_id: appointment.id, response: 'confirmed', note: null })
    expect(wrapper.findComponent(AppointmentCard).emitted('answered')).toHaveLength(1)
  })

  it('asks for a wish before requesting another time, sends it as the note and names a refusal', async () => {
    supabase.rpcAnswers.set('respond_to_appointment', { data: null, error: { message: 'appointment_past', code: 'P0001' } })
    const wrapper = await mount(AppointmentCard, { appointment, canAnswer: true })
    await wrapper.get('[data-response="reschedule_requested"]').trigger('click')
    expect(supabase.rpc).not.toHaveBeenCalled()
    await wrapper.get('textarea').setValue(' eine Woche später ')
    await wrapper.get('[data-response="reschedule_requested"]').trigger('click')
    await flushPromises()
    expect(supabase.rpc).toHaveBeenCalledWith('respond_to_appointment', { appointment_id: appointment.id, response: 'reschedule_requested', note: 'eine Woche später' })
    await vi.waitFor(() => expect(wrapper.get('[role="alert"]').text()).toBe('Der Termin ist vorbei; eine Antwort ist nicht mehr möglich.'))
    expect((wrapper.get('textarea').element as HTMLTextAreaElement).value).toBe(' eine Woche später ')
  })

  it('asks for an optional reason before declining and sends it as the note (a reason opens a ticket for the firm)', async () => {
    supabase.rpcAnswers.set('respond_to_appointment', { data: { response: 'declined', responded_at: '2026-12-03T10:00:00Z', client_id: 'b' } })
    const wrapper = await mount(AppointmentCard, { appointment, canAnswer: true })
    await wrapper.get('[data-response="declined"]').trigger('click')
    expect(supabase.rpc).not.toHaveBeenCalled()
    expect(wrapper.get('textarea').attributes('aria-label')).toBe('Grund der Absage (freiwillig)')
    expect(wrapper.get('[data-response="declined"]').text()).toBe('Absage senden')
    await wrapper.get('textarea').setValue('Da bin ich verreist')
    await wrapper.get('[data-response="declined"]').trigger('click')
    await flushPromises()
    expect(supabase.rpc).toHaveBeenCalledWith('respond_to_appointment', { appointment_id: appointment.id, response: 'declined', note: 'Da bin ich verreist' })
    expect(wrapper.findComponent(AppointmentCard).emitted('answered')).toHaveLength(1)
    expect(wrapper.find('textarea').exists()).toBe(false)
  })

  it('shows the latest answer, no buttons to staff, and the time on the clock of its own zone', async () => {
    const answered = { ...appointment, time_zone: 'Europe/Lisbon', responses: [
      { client_id: 'b', response: 'declined' as const, note: null, responded_at: '2026-12-01T10:00:00Z' },
      { client_id: 'b', response: 'confirmed' as const, note: null, responded_at: '2026-12-02T10:00:00Z' },
    ] }
    expect(latestAnswer(answered)?.response).toBe('confirmed')
    expect(formatAppointmentTime(answered, 'de')).toMatch(/08:30.*09:30 Uhr \(Europe\/Lisbon\)$/)
    const wrapper = await mount(AppointmentCard, { appointment: answered, canAnswer: false })
    expect(wrapper.get('[data-answer]').text()).toBe('Sie haben zugesagt.')
    expect(wrapper.find('[data-response]').exists()).toBe(false)
  })

  it('counts for staff what each client answered last, instead of speaking to them as a client', async () => {
    const reached = { ...appointment, responses: [
      { client_id: 'b', response: 'declined' as const, note: null, responded_at: '2026-12-01T10:00:00Z' },
      { client_id: 'b', response: 'confirmed' as const, note: null, responded_at: '2026-12-02T10:00:00Z' },
      { client_id: 'c', response: 'confirmed' as const, note: null, responded_at: '2026-12-01T09:00:00Z' },
      { client_id: 'd', response: 'reschedule_requested' as const, note: 'Später', responded_at: '2026-12-01T08:00:00Z' },
    ] }
    expect(answerCounts(reached)).toEqual([{ response: 'confirmed', count: 2 }, { response: 'reschedule_requested', count: 1 }])
    const wrapper = await mount(AppointmentCard, { appointment: reached, canAnswer: false, staffView: true })
    expect(wrapper.get('[data-answer]').text()).toBe('Antworten – zugesagt: 2 · anderer Termin erbeten: 1')
    const unanswered = await mount(AppointmentCard, { appointment, canAnswer: false, staffView: true })
    expect(unanswered.get('[data-answer]').text()).toBe('Noch keine Antwort.')
  })
})

describe('an appointment on the reader\'s clock', () => {
  // 14:00–15:00 in Berlin on 29 March 2027, the day after Berlin's clocks went forward.
  const berlin = { ...appointment, starts_at: '2027-03-29T12:00:00Z', ends_at: '2027-03-29T13:00:00Z', time_zone: 'Europe/Berlin' }

  it('names the zone it takes place in, and adds the reader\'s own time only where its clock shows another', () => {
    expect(formatAppointmentTime(berlin, 'de')).toBe('Montag, 29. März 2027, 14:00–15:00 Uhr (Europe/Berlin)')
    expect(localAppointmentTime(berlin, 'de', 'Europe/Berlin')).toBeNull()
    // Vienna's clock agrees with Berlin's: nothing to add.
    expect(localAppointmentTime(berlin, 'de', 'Europe/Vienna')).toBeNull()
    expect(localAppointmentTime(berlin, 'de', 'Europe/London')).toBe('Montag, 29. März 2027, 13:00–14:00 Uhr (Europe/London)')
    // New York had changed two weeks earlier: six hours behind that day, not five or seven.
    expect(localAppointmentTime(berlin, 'en', 'America/New_York')).toMatch(/^Monday(,)? 29 March 2027.*08:00.*09:00 \(America\/New_York\)$/)
    expect(localAppointmentTime(berlin, 'de', null)).toBeNull()
  })
})

describe('the calendar subscription', () => {
  it('shows a new secret address once and ends the subscription', async () => {
    supabase.rpcAnswers.set('my_calendar_feed', { data: { active: false, created_at: null, last_used_at: null } })
    const wrapper = await mount(CalendarSubscription, {})
    await flushPromises()
    expect(wrapper.find('[data-feed-revoke]').exists()).toBe(false)
    supabase.rpcAnswers.set('create_calendar_feed', { data: { token: 'geheim', path: '/functions/v1/calendar-feed/geheim.ics', created_at: '2026-12-03T10:00:00Z' } })
    supabase.rpcAnswers.set('my_calendar_feed', { data: { active: true, created_at: '2026-12-03T10:00:00Z', last_used_at: null } })
    await wrapper.get('[data-feed-create]').trigger('click')
    await flushPromises()
    expect((wrapper.get('input').element as HTMLInputElement).value).toMatch(/\/functions\/v1\/calendar-feed\/geheim\.ics$/)
    supabase.rpcAnswers.set('revoke_calendar_feed', { data: true })
    supabase.rpcAnswers.set('my_calendar_feed', { data: { active: false, created_at: null, last_used_at: null } })
    await wrapper.get('[data-feed-revoke]').trigger('click')
    await flushPromises()
    expect(supabase.rpc).toHaveBeenCalledWith('revoke_calendar_feed', {})
    expect(wrapper.find('input').exists()).toBe(false)
  })
})
