// The ticket feature's logic and components in a Nuxt environment, with Supabase replaced by
// fakes: the queue's URL filters, status rules and timeline in words, keyset paging, the reply
// box's retries, attachment refusals and the navigation badge.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mockNuxtImport, mountSuspended } from '@nuxt/test-utils/runtime'
import { flushPromises } from '@vue/test-utils'
import { h } from 'vue'
import AttachmentPicker from '~/components/attachments/AttachmentPicker.vue'
import AppNavigation from '~/components/layout/AppNavigation.vue'
import TicketList from '~/components/tickets/TicketList.vue'
import TicketReplyBox from '~/components/tickets/TicketReplyBox.vue'
import TicketTimeline from '~/components/tickets/TicketTimeline.vue'
import { formatFileSize, fileType } from '~/utils/files'
import {
  buildTimeline, listArguments, parseQueueFilters, statusActions, type QueueFilterKey, type TicketListRow,
} from '~/utils/tickets'
import { createFakeSupabase, fakeSession, type FakeSupabase } from './fake-supabase'
import WithLazyTexts from './WithLazyTexts.vue'

const { supabaseRef } = vi.hoisted(() => ({ supabaseRef: { current: undefined as unknown } }))
mockNuxtImport('useSupabase', () => () => async () => supabaseRef.current)

const noFilters: Record<QueueFilterKey, string> = { status: '', assignee: '', client: '', matter: '', category: '', priority: '', q: '', sort: '' }
const staffId = '5a1f0000-0000-4000-8000-000000000001'
beforeEach(async () => {
  await useNuxtApp().$i18n.setLocale('de')
})

const mount = <P extends Record<string, unknown>>(component: object, props: P) =>
  mountSuspended(WithLazyTexts, { slots: { default: () => h(component as never, props) } })

describe('the queue\'s filters in the URL', () => {
  it('give staff the unsolved tickets by default and clients all of theirs; unknown values fall back instead of failing', () => {
    expect(parseQueueFilters(noFilters, true)).toMatchObject({ status: 'active', assignee: null, oldestFirst: false })
    expect(parseQueueFilters(noFilters, false)).toMatchObject({ status: 'all' })
    expect(parseQueueFilters({ ...noFilters, status: 'done', assignee: 'robert', priority: 'asap', sort: 'oldest' }, true))
      .toMatchObject({ status: 'active', assignee: null, priority: null, oldestFirst: true })
  })

  it('keep staff-only filters out of a client\'s list', () => {
    const raw = { ...noFilters, assignee: 'me', client: staffId, priority: 'urgent', category: 'billing', q: ' Rechnung ' }
    expect(parseQueueFilters(raw, false)).toMatchObject({ assignee: null, client: null, priority: null, category: 'billing', search: 'Rechnung' })
  })

  it('turn "mine", "nobody" and a status choice into the list RPC\'s arguments, with the cursor', () => {
    const mine = listArguments(parseQueueFilters({ ...noFilters, assignee: 'me', status: 'active' }, true), staffId, { at: '2026-12-01T10:00:00Z', id: 'x' }, 25)
    expect(mine).toMatchObject({ filter_assignee: staffId, filter_unassigned: false, filter_statuses: ['open', 'pending'], after_activity_at: '2026-12-01T10:00:00Z', after_id: 'x', max_rows: 25 })
    const nobody = listArguments(parseQueueFilters({ ...noFilters, assignee: 'none', status: 'all' }, true), staffId, null, 10)
    expect(nobody).toMatchObject({ filter_assignee: null, filter_unassigned: true, filter_statuses: null, after_id: null })
  })
})

describe('status rules and the timeline', () => {
  it('offer clients only closing and reopening, staff every other status (the database decides the same)', () => {
    expect(statusActions(false, 'open')).toEqual(['closed'])
    expect(statusActions(false, 'pending')).toEqual(['closed'])
    expect(statusActions(false, 'resolved')).toEqual(['open'])
    expect(statusActions(true, 'pending')).toEqual(['open', 'resolved', 'closed'])
  })

  it('put everything in the order it happened, a reply before the reopening it caused, and tell changes in words', async () => {
    const at = '2026-12-02T09:00:00Z'
    const entries = buildTimeline(
      [{ id: 'r1', author_id: 'client', body: 'Anbei die Fotos', created_at: at, documents: [{ id: 'd1', name: 'Dach.jpg', size_bytes: 2048, mime_type: 'image/jpeg', deleted_at: null }] }],
      [],
      [{ id: 2, from_status: 'pending', to_status: 'open', changed_by: 'client', changed_at: at },
        { id: 1, from_status: null, to_status: 'open', changed_by: 'client', changed_at: '2026-12-01T09:00:00Z' }],
      [{ id: 7, field: 'assignee', from_value: null, to_value: 'staff', changed_by: 'lawyer', changed_at: '2026-12-01T12:00:00Z' }],
    )
    expect(entries.map(entry => entry.key)).toEqual(['status-1', 'change-7', 'reply-r1', 'status-2'])

    const timeline = await mount(TicketTimeline, { entries, names: { client: 'Klaus Müller', staff: 'Jonas Becker', lawyer: 'Dr. Weber' }, staff: false })
    const text = timeline.text()
    expect(text).toContain('Klaus Müller hat das Ticket eröffnet.')
    expect(text).toContain('Dr. Weber hat das Ticket Jonas Becker zugewiesen.')
    expect(text).toContain('Klaus Müller hat das Ticket auf „Offen“ gesetzt.')
    expect(timeline.find('button').text()).toContain('Dach.jpg')
  })
})

describe('keyset paging', () => {
  type Row = { id: string, at: number }
  const rows = Array.from({ length: 7 }, (_, index) => ({ id: `t${index}`, at: 100 - index }))

  it('reads page after page by the last row, refreshes what is on screen, and ignores an answer overtaken by a newer one', async () => {
    const fetchPage = vi.fn(async (cursor: number | null, limit: number) => ({ rows: rows.filter(row => cursor === null || row.at < cursor).slice(0, limit), error: null }))
    const list = useKeysetList<Row, number>({ fetchPage, cursorOf: row => row.at, keyOf: row => row.id, pageSize: 3 })
    await list.reload()
    await list.loadMore()
    expect(list.rows.value.map(row => row.id)).toEqual(['t0', 't1', 't2', 't3', 't4', 't5'])
    expect(fetchPage).toHaveBeenLastCalledWith(98, 3)
    await list.loadMore()
    expect(list.hasMore.value).toBe(false)

    rows.unshift({ id: 'new', at: 200 })
    await list.refresh()
    // As many rows as were on screen, the newest first; the one pushed off comes with "load more".
    expect(list.rows.value.map(row => row.id)).toEqual(['new', 't0', 't1', 't2', 't3', 't4', 't5'])
    expect(list.hasMore.value).toBe(true)

    let release: (value: { rows: Row[], error: null }) => void = () => {}
    fetchPage.mockImplementationOnce(() => new Promise(resolve => (release = resolve)))
    const slow = list.reload()
    await list.reload()
    release({ rows: [{ id: 'stale', at: 1 }], error: null })
    await slow
    expect(list.rows.value.map(row => row.id)).not.toContain('stale')
  })

  it('shows an error with its message key and recovers on retry', async () => {
    const fetchPage = vi.fn().mockResolvedValueOnce({ rows: [], error: { message: 'ticket_not_found', status: 400 } }).mockResolvedValue({ rows: [{ id: 'a', at: 1 }], error: null })
    const list = useKeysetList<Row, number>({ fetchPage, cursorOf: row => row.at, keyOf: row => row.id })
    await list.reload()
    expect([list.status.value, list.errorKey.value]).toEqual(['error', 'errors.codes.ticket_not_found'])
    await list.reload()
    expect([list.status.value, list.rows.value.length]).toEqual(['ready', 1])
  })
})

describe('components', () => {
  let supabase: FakeSupabase
  beforeEach(async () => {
    supabase = createFakeSupabase()
    supabaseRef.current = supabase
  })

  const row = (overrides: Partial<TicketListRow>): TicketListRow => ({
    id: 'id', number: 1042, subject: 'Rechnung März', status: 'pending', priority: 'urgent', category: 'billing', client_id: 'c', client_name: 'Müller Bau GmbH',
    matter_id: null, matter_title: null, matter_reference: null, requester_id: null, requester_name: null, assignee_id: null, assignee_name: null,
    created_at: '2026-12-01T10:00:00Z', last_activity_at: new Date().toISOString(), unread: false, ...overrides,
  })

  it('list tickets as links with the status in the reader\'s words and the unread ones marked', async () => {
    const rows = [row({ id: 'a', unread: true }), row({ id: 'b', number: 1043, subject: 'Vollmacht', status: 'open', assignee_name: 'Jonas Becker' })]
    const forClient = await mount(TicketList, { rows, staff: false })
    const links = forClient.findAll('a')
    expect(links.map(link => link.attributes('href'))).toEqual(['/tickets/1042', '/tickets/1043'])
    expect(links[0]!.text()).toContain('Warten auf Sie')
    expect(links[0]!.text()).toContain('ungelesen')
    expect(links[1]!.text()).not.toContain('ungelesen')
    expect(forClient.text()).not.toContain('Müller Bau GmbH')

    const forStaff = await mount(TicketList, { rows, staff: true })
    expect(forStaff.findAll('a')[0]!.text()).toMatch(/Warten auf Mandant.*Müller Bau GmbH.*Nicht zugewiesen.*Dringend/)
    expect(forStaff.findAll('a')[1]!.text()).toContain('Jonas Becker')
  })

  it('keep a refused reply as typed, retry it under the same id, and start afresh only after it was sent', async () => {
    sessionStorage.clear()
    const send = vi.fn().mockResolvedValueOnce('errors.codes.ticket_closed').mockResolvedValueOnce(null)
    const box = await mount(TicketReplyBox, { ticketId: 't1', staff: false, closed: false, send })
    await box.get('textarea').setValue('Hier meine Antwort')
    await box.get('form').trigger('submit')
    await vi.waitFor(() => expect(box.text()).toContain('Das Ticket ist geschlossen'))
    expect((box.get('textarea').element as HTMLTextAreaElement).value).toBe('Hier meine Antwort')
    expect(JSON.parse(sessionStorage.getItem('portal.draft.ticket.t1.reply')!)).toMatchObject({ body: 'Hier meine Antwort' })

    await box.get('form').trigger('submit')
    await flushPromises()
    expect(send).toHaveBeenCalledTimes(2)
    expect(send.mock.calls[1]![2]).toBe(send.mock.calls[0]![2])
    expect((box.get('textarea').element as HTMLTextAreaElement).value).toBe('')
    expect(sessionStorage.getItem('portal.draft.ticket.t1.reply')).toBeNull()
    expect(box.text()).toContain('Ihre Antwort wurde gesendet.')
  })

  it('marks a staff note as internal and sends it as one', async () => {
    const send = vi.fn().mockResolvedValue(null)
    const box = await mount(TicketReplyBox, { ticketId: 't2', staff: true, closed: true, send })
    await box.findAll('button[role="radio"]')[1]!.trigger('click')
    expect(box.text()).toContain('der Mandant sieht diese Notiz nie')
    await box.get('textarea').setValue('Intern: Frist notieren')
    await box.get('form').trigger('submit')
    await flushPromises()
    expect(send).toHaveBeenCalledWith('note', 'Intern: Frist notieren', expect.any(String), [])
  })

  it('refuses files over the database\'s limit or of a type it does not take, by name and reason, before uploading anything', async () => {
    supabase.rpcAnswers.set('upload_limits', { data: [{ purpose: 'attachment', max_bytes: 1024, max_files: 10, mime_types: ['application/pdf'] }] })
    const wrapper = await mount(AttachmentPicker, {})
    const picker = wrapper.findComponent(AttachmentPicker)
    await (picker.vm as unknown as { add: (files: File[]) => Promise<void> })
      .add([new File([new Uint8Array(2048)], 'Gutachten.pdf', { type: 'application/pdf' }), new File(['<html>'], 'Seite.html', { type: 'text/html' })])
    await flushPromises()
    expect(wrapper.text()).toContain('„Gutachten.pdf“ ist zu groß: höchstens 1 kB je Datei.')
    expect(wrapper.text()).toContain('„Seite.html“ wurde nicht angehängt: Dieser Dateityp ist nicht erlaubt')
    expect(supabase.rpc).not.toHaveBeenCalledWith('create_document_upload', expect.anything())
    expect(picker.emitted('change')?.at(-1)).toEqual([[], false])
  })

  it('show the navigation badge with its count, also for screen readers', async () => {
    const sessionStore = useSessionStore()
    sessionStore.session = fakeSession()
    sessionStore.security = { persona: 'client', displayName: null, locale: 'de', totpEnrolled: true, emailFactorEnrolled: false, graceDeadline: new Date(), stepUpRequired: false, enrolmentRequired: false, accessAllowed: true }
    useBadgesStore().set('tickets', 3)
    const navigation = await mountSuspended(AppNavigation)
    const tickets = navigation.findAll('a').find(link => link.attributes('href') === '/tickets')!
    expect(tickets.text()).toContain('3')
    expect(tickets.text()).toContain('3 ungelesen')
  })
})

describe('file facts', () => {
  it('give sizes in the reader\'s language and the type of files the browser cannot name', () => {
    expect(formatFileSize(25 * 1024 * 1024, 'de')).toBe('25 MB')
    expect(formatFileSize(1536, 'en')).toBe('1.5 kB')
    expect(fileType({ name: 'Mail vom Gericht.msg', type: '' })).toBe('application/vnd.ms-outlook')
    expect(fileType({ name: 'scan.PDF', type: 'Application/PDF' })).toBe('application/pdf')
  })
})
