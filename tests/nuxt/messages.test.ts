// The message screens' logic and components in a Nuxt environment, with Supabase replaced by the
// tickets' fakes: the edit window and ticks as the database keeps them, merging live fetches in
// the database's order, the thread list's rows, the reply box's draft and retries, the thread's
// actions, the recipients the new-thread form offers, previews of files, and which failed sends
// are retried (a 5xx) and which are handed back as refusals (a 4xx).
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mockNuxtImport, mountSuspended } from '@nuxt/test-utils/runtime'
import { flushPromises } from '@vue/test-utils'
import { effectScope, h } from 'vue'
import ChatDesk from '~/components/messages/ChatDesk.vue'
import ChatStart from '~/components/messages/ChatStart.vue'
import ConversationList from '~/components/messages/ConversationList.vue'
import MessageReplyBox from '~/components/messages/MessageReplyBox.vue'
import MessageThread from '~/components/messages/MessageThread.vue'
import NewThreadForm from '~/components/messages/NewThreadForm.vue'
import { canEdit, editWindowMs, mergeMessages, tickOf, type ConversationRow, type MessageRow } from '~/utils/messages'
import { createFakeSupabase, fakeSession, type FakeSupabase } from './fake-supabase'
import WithLazyTexts from './WithLazyTexts.vue'

const { supabaseRef, topics } = vi.hoisted(() => ({
  supabaseRef: { current: undefined as unknown },
  // Realtime itself is proven in realtime-topic.test.ts and the integration tests; here the
  // listeners are kept so a test can deliver a broadcast.
  topics: new Map<string, { onMessage: (message: { event: string, payload: Record<string, unknown> }) => void }>(),
}))
mockNuxtImport('useSupabase', () => () => async () => supabaseRef.current)
mockNuxtImport('useRealtimeTopic', () => (topic: () => string | null, listener: { onMessage: () => void }) => {
  const name = topic()
  if (name) topics.set(name, listener)
  return { state: { value: 'live' } }
})

const me = 'user-1'
const message = (overrides: Partial<MessageRow>): MessageRow => ({
  id: 'm1', author_id: me, author_name: 'Klaus Müller', author_is_staff: false, body: 'Guten Tag', created_at: new Date().toISOString(),
  edited_at: null, deleted_at: null, event: null, quoted_message_id: null, quoted_author_name: null, quoted_body: null,
  read_by_all: false, attachments: [], ...overrides,
})
const mount = <P extends Record<string, unknown>>(component: object, props: P) =>
  mountSuspended(WithLazyTexts, { slots: { default: () => h(component as never, props) } })

let supabase: FakeSupabase
beforeEach(async () => {
  await useNuxtApp().$i18n.setLocale('de')
  supabase = createFakeSupabase()
  supabaseRef.current = supabase
  sessionStorage.clear()
})

describe('message rules', () => {
  it('offer editing only of one\'s own, undeleted messages inside the 15 minutes the database allows', () => {
    const now = Date.now()
    expect(canEdit(message({}), me, now)).toBe(true)
    expect(canEdit(message({ created_at: new Date(now - editWindowMs - 1000).toISOString() }), me, now)).toBe(false)
    expect(canEdit(message({ author_id: 'other' }), me, now)).toBe(false)
    expect(canEdit(message({ deleted_at: new Date(now).toISOString() }), me, now)).toBe(false)
    expect(canEdit(message({}), null, now)).toBe(false)
  })

  it('tick one\'s own messages as sent or read by all, never others\' or deleted ones', () => {
    expect(tickOf(message({}), me)).toBe('sent')
    expect(tickOf(message({ read_by_all: true }), me)).toBe('read')
    expect(tickOf(message({ author_id: 'other', read_by_all: null }), me)).toBeNull()
    expect(tickOf(message({ deleted_at: '2026-12-03T10:00:00Z' }), me)).toBeNull()
  })

  it('merge live fetches by id in the database\'s order, whatever order they arrived in', () => {
    const a = message({ id: 'a', created_at: '2026-12-03T10:00:00Z' })
    const b = message({ id: 'b', created_at: '2026-12-03T10:01:00Z' })
    const c = message({ id: 'c', created_at: '2026-12-03T10:01:00Z' })
    const merged = mergeMessages([a, c], [b, { ...a, body: 'bearbeitet' }])
    expect(merged.map(each => each.id)).toEqual(['a', 'b', 'c'])
    expect(merged[0]!.body).toBe('bearbeitet')
  })
})

describe('components', () => {
  it('list threads as links with unread counts, the other participants and a deleted preview in words', async () => {
    const row = (overrides: Partial<ConversationRow>): ConversationRow => ({
      id: 't1', subject: 'Mietvertrag', client_id: 'c', client_name: 'Müller', matter_id: null, matter_title: null,
      participants: [{ id: me, display_name: 'Klaus Müller', is_staff: false }, { id: 's', display_name: 'Jonas Becker', is_staff: true }],
      activity_at: new Date().toISOString(), is_participant: true, preview: 'Anbei der Vertrag', preview_author_name: 'Jonas Becker',
      preview_deleted: false, unread_count: 2, ...overrides,
    })
    const list = await mount(ConversationList, { rows: [row({}), row({ id: 't2', subject: null, unread_count: 0, preview_deleted: true })], myId: me })
    const links = list.findAll('a')
    expect(links.map(link => link.attributes('href'))).toEqual(['/nachrichten/t1', '/nachrichten/t2'])
    expect(links[0]!.text()).toContain('2 ungelesen')
    expect(links[0]!.text()).toContain('Mit Jonas Becker')
    expect(links[0]!.text()).not.toContain('Klaus Müller')
    expect(links[1]!.text()).toContain('(ohne Betreff)')
    expect(links[1]!.text()).toContain('Nachricht gelöscht')
    expect(links[1]!.text()).not.toContain('ungelesen')
  })

  it('keep a refused reply with its quote in the thread\'s draft, retry it under the same id, and start afresh once sent', async () => {
    const send = vi.fn().mockResolvedValueOnce('errors.codes.body_too_long').mockResolvedValueOnce(null)
    const box = await mount(MessageReplyBox, { conversationId: 'c1', quoted: null, quotedId: 'q1', send })
    await box.get('textarea').setValue('Hier meine Antwort')
    await box.get('form').trigger('submit')
    await vi.waitFor(() => expect(box.text()).toContain('Der Text ist zu lang'))
    expect(JSON.parse(sessionStorage.getItem('portal.draft.message.c1')!)).toMatchObject({ body: 'Hier meine Antwort', quotedId: 'q1' })

    await box.get('form').trigger('submit')
    await flushPromises()
    expect(send).toHaveBeenCalledTimes(2)
    expect(send.mock.calls[0]!.slice(0, 3)).toEqual(['Hier meine Antwort', send.mock.calls[1]![1], 'q1'])
    expect((box.get('textarea').element as HTMLTextAreaElement).value).toBe('')
    expect(sessionStorage.getItem('portal.draft.message.c1')).toBeNull()
  })

  it('bring back a thread\'s draft after a reload, and only that thread\'s', async () => {
    sessionStorage.setItem('portal.draft.message.c2', JSON.stringify({ body: 'Noch nicht fertig', id: 'fixed-id', quotedId: null }))
    const send = vi.fn().mockResolvedValue(null)
    const same = await mount(MessageReplyBox, { conversationId: 'c2', quoted: null, send })
    expect((same.get('textarea').element as HTMLTextAreaElement).value).toBe('Noch nicht fertig')
    await same.get('form').trigger('submit')
    await flushPromises()
    expect(send).toHaveBeenCalledWith('Noch nicht fertig', 'fixed-id', null, [])
    const other = await mount(MessageReplyBox, { conversationId: 'c3', quoted: null, send })
    expect((other.get('textarea').element as HTMLTextAreaElement).value).toBe('')
  })

  it('show ticks, quotes, deleted messages in words, and edit and delete only where the database allows', async () => {
    const edit = vi.fn().mockResolvedValueOnce('errors.codes.edit_window_passed')
    const remove = vi.fn().mockResolvedValue(null)
    const messages = [
      message({ id: 'mine', read_by_all: true }),
      message({ id: 'theirs', author_id: 'other', author_name: 'Jonas Becker', read_by_all: null, quoted_message_id: 'mine', quoted_author_name: 'Klaus Müller', quoted_body: 'Guten Tag' }),
      message({ id: 'gone', deleted_at: new Date().toISOString(), body: '' }),
    ]
    const thread = await mount(MessageThread, { messages, myId: me, edit, remove })
    const [mine, theirs, gone] = thread.findAll('li')
    expect(mine!.text()).toContain('Von allen gelesen')
    expect(mine!.findAll('button').map(button => button.text())).toEqual(['Zitieren', 'Bearbeiten', 'Löschen'])
    expect(theirs!.findAll('button').map(button => button.text())).toEqual(['Zitieren'])
    expect(theirs!.get('blockquote').text()).toContain('Klaus Müller:')
    expect(gone!.text()).toContain('Nachricht gelöscht')
    expect(gone!.findAll('button')).toHaveLength(0)

    await mine!.findAll('button')[1]!.trigger('click')
    await thread.get('li textarea').setValue('Guten Abend')
    await thread.get('li form').trigger('submit')
    await vi.waitFor(() => expect(thread.text()).toContain('nur in den ersten 15 Minuten'))
    expect(edit).toHaveBeenCalledWith('mine', 'Guten Abend')

    const button = (label: string) => thread.findAll('li')[0]!.findAll('button').find(each => each.text() === label)!
    await button('Abbrechen').trigger('click')
    await button('Löschen').trigger('click')
    expect(thread.text()).toContain('Diese Nachricht löschen?')
    await button('Abbrechen').trigger('click')
    expect(remove).not.toHaveBeenCalled()
    await button('Löschen').trigger('click')
    await button('Löschen').trigger('click')
    await flushPromises()
    expect(remove).toHaveBeenCalledWith('mine')
    expect(thread.text()).not.toContain('Diese Nachricht löschen?')
  })

  it('preview a message\'s PDF and image in the page through the audited RPC\'s signed URL, and other files not', async () => {
    supabase.rpcAnswers.set('document_download_url', { data: [{ bucket: 'documents', path: 'c/d1', file_name: 'Entwurf.pdf', mime_type: 'application/pdf' }] })
    const createSignedUrl = vi.fn(async (path: string, _seconds: number) => ({ data: { signedUrl: `http://storage.test/sign/${path}?token=t` }, error: null }))
    Object.assign(supabase, { storage: async () => ({ from: () => ({ createSignedUrl }) }) })
    const files = [
      { id: 'd1', name: 'Entwurf.pdf', mime_type: 'application/pdf', size_bytes: 2048 },
      { id: 'd2', name: 'Foto.webp', mime_type: 'image/webp', size_bytes: 1024 },
      { id: 'd3', name: 'Vertrag.docx', mime_type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', size_bytes: 4096 },
    ]
    const thread = await mount(MessageThread, { messages: [message({ attachments: files })], myId: me, edit: vi.fn(), remove: vi.fn() })
    const previews = thread.findAll('button[aria-label^="Vorschau von"]')
    expect(previews.map(button => button.attributes('aria-label'))).toEqual(['Vorschau von „Entwurf.pdf“', 'Vorschau von „Foto.webp“'])
    expect(supabase.rpc).not.toHaveBeenCalledWith('document_download_url', expect.anything())

    await previews[0]!.trigger('click')
    await vi.waitFor(() => expect(document.body.querySelector('iframe')).not.toBeNull())
    expect(supabase.rpc).toHaveBeenCalledWith('document_download_url', { document_id: 'd1' })
    expect(createSignedUrl).toHaveBeenCalledWith('c/d1', 60)
    const frame = document.body.querySelector('iframe')!
    expect(frame.getAttribute('src')).toBe('http://storage.test/sign/c/d1?token=t')
    expect(frame.getAttribute('title')).toBe('Entwurf.pdf')
    thread.unmount()
  })

  it('offer the recipients the database answers for the matter, and start the thread with those chosen', async () => {
    supabase.tableAnswers.set('matters', { data: [{ id: 'matter-1', title: 'Nachlass', reference: 'A-1' }] })
    supabase.rpcAnswers.set('message_recipients', { data: [{ id: 'staff-1', display_name: 'Jonas Becker', kind: 'staff' }] })
    supabase.rpcAnswers.set('start_conversation', { data: 'thread-1' })
    const wrapper = await mount(NewThreadForm, { staff: false, guest: true, myId: me })
    const form = wrapper.findComponent(NewThreadForm)
    expect(wrapper.text()).not.toContain('Jonas Becker')
    ;(form.vm as unknown as { $: { setupState: { form: { matterId: string } } } }).$.setupState.form.matterId = 'matter-1'
    await flushPromises()
    expect(supabase.rpc).toHaveBeenCalledWith('message_recipients', { client_id: null, matter_id: 'matter-1' })
    expect(wrapper.text()).toContain('Jonas Becker')
    expect(wrapper.text()).toContain('Kanzlei')
    await wrapper.get('input[type="checkbox"]').setValue(true)
    const [subject] = wrapper.findAll('input:not([type="checkbox"])')
    await subject!.setValue('Frage zum Nachlass')
    await wrapper.get('textarea').setValue('Guten Tag, eine Frage.')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(supabase.rpc).toHaveBeenCalledWith('start_conversation', {
      kind: 'thread', subject: 'Frage zum Nachlass', client_id: null, matter_id: 'matter-1', participant_ids: ['staff-1'], first_message: 'Guten Tag, eine Frage.', attachment_ids: [],
    })
    expect(form.emitted('started')).toEqual([['thread-1']])
  })
})

describe('sending from a thread', () => {
  const sends = () => supabase.rpc.mock.calls.filter(([name]) => name === 'send_message').map(([, args]) => (args as { message_id: string }).message_id)
  const thread = (id: string) => {
    const scope = effectScope()
    return { scope, ...scope.run(() => useConversation(id))! }
  }
  beforeEach(() => {
    supabase.tableAnswers.set('conversations', { data: { id: 'c1', subject: 'Mietvertrag', chat_status: null, assigned_to: null, client: null, matter: null } })
  })

  it('queue a send the server failed (5xx) and send it again under the same id after 1 s', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const open = thread('c1')
      supabase.rpcAnswers.set('send_message', { error: { message: 'Service Unavailable' }, status: 503 })
      expect(await open.send('Guten Tag', 'm1', null, [])).toBe('queued')
      expect(open.pending.value.map(each => [each.id, each.refusedKey ?? null])).toEqual([['m1', null]])
      supabase.rpcAnswers.delete('send_message')
      await vi.advanceTimersByTimeAsync(999)
      expect(sends()).toEqual(['m1'])
      await vi.advanceTimersByTimeAsync(1)
      expect(sends()).toEqual(['m1', 'm1'])
      expect(open.pending.value).toEqual([])
      open.scope.stop()
    }
    finally {
      vi.useRealTimers()
    }
  })

  it('hand a refusal (4xx) back to the reply box, queue nothing and never send it again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const open = thread('c2')
      supabase.rpcAnswers.set('send_message', { error: { code: 'P0001', message: 'chat_closed' }, status: 400 })
      expect(await open.send('Guten Tag', 'm2', null, [])).toBe('errors.codes.chat_closed')
      expect(open.pending.value).toEqual([])
      await vi.advanceTimersByTimeAsync(60_000)
      expect(sends()).toEqual(['m2'])
      open.scope.stop()
    }
    finally {
      vi.useRealTimers()
    }
  })
})

describe('live chat', () => {
  it('tells a client when the firm answers and says why a start outside the hours is refused', async () => {
    supabase.rpcAnswers.set('chat_availability', { data: { open: false, next_opening: '2026-12-07T08:00:00Z', hours: [{ weekday: 1, opens: '09:00', closes: '17:00' }] } })
    supabase.rpcAnswers.set('start_or_resume_chat', { error: { code: 'P0001', message: 'outside_office_hours' } })
    const start = await mount(ChatStart, {})
    await flushPromises()
    expect(start.text()).toContain('Der Chat ist gerade nicht besetzt.')
    expect(start.text()).toContain('Montag: 09:00–17:00')
    await start.get('button').trigger('click')
    await flushPromises()
    expect(supabase.rpc).toHaveBeenCalledWith('start_or_resume_chat', { client_id: null })
    expect(start.text()).toContain('Bitte schreiben Sie uns eine Nachricht.')
  })

  it('give staff the waiting and the active chats, with "take" on those not theirs', async () => {
    useSessionStore().session = fakeSession({ id: 'staff-1' })
    supabase.rpcAnswers.set('list_open_chats', { data: [
      { id: 'c1', client_name: 'Müller Bau GmbH', started_by_name: 'Klaus Müller', chat_status: 'waiting', assigned_to: null, assigned_name: null, waiting_since: new Date().toISOString(), unread_count: 1 },
      { id: 'c2', client_name: 'Schmidt KG', started_by_name: 'Eva Schmidt', chat_status: 'active', assigned_to: 'staff-1', assigned_name: 'Jonas Becker', waiting_since: null, unread_count: 0 },
    ] })
    supabase.rpcAnswers.set('take_chat', { data: 'c1' })
    const desk = await mount(ChatDesk, {})
    await flushPromises()
    const [waiting, active] = desk.findAll('section')
    expect(waiting!.text()).toContain('Wartend (1)')
    expect(waiting!.text()).toContain('Müller Bau GmbH · Klaus Müller')
    expect(active!.text()).toContain('bei Jonas Becker')
    expect(active!.get('a').attributes('href')).toBe('/chat/c2')
    await waiting!.get('button').trigger('click')
    await flushPromises()
    expect(supabase.rpc).toHaveBeenCalledWith('take_chat', { conversation_id: 'c1' })

    const reads = () => supabase.rpc.mock.calls.filter(([name]) => name === 'list_open_chats').length
    const before = reads()
    topics.get('user:staff-1')!.onMessage({ event: 'chat_activity', payload: { conversation_id: 'c3', kind: 'waiting' } })
    await vi.waitFor(() => expect(reads()).toBe(before + 1))
  })
})
