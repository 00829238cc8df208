// One thread (/nachrichten/<id>) or live chat (/chat/<id>) as its page shows it: the conversation, its newest messages (older ones on
// request) with quotes, read ticks and files, and live through `conversation:<id>`. The topic
// carries only where to look; every event and every (re)join re-reads from list_messages, so the
// database's order and its access check win (a removed participant learns nothing new). While the
// page is in front, new messages by others are marked read (mark_conversation_read). A message that
// cannot be sent now waits in the outbox (useMessageOutbox) and goes out on the next rejoin,
// `online` event or try of its back-off.
import { nextToSend, type PendingMessage, type Person } from '~/utils/chat-live'
import { errorMessageKey } from '~/utils/error-messages'
import { mergeMessages, type MessageRow } from '~/utils/messages'
import { isTransientFailure } from '~/utils/retry'
import type { Delivery } from '~/composables/useMessageOutbox'

export interface ConversationDetail {
  id: string
  subject: string | null
  chat_status: 'waiting' | 'active' | 'closed' | null
  assigned_to: string | null
  client: { name: string } | null
  matter: { title: string, reference: string | null } | null
}

/** A refusal as an i18n key, or null when the database took it. */
export type Outcome = string | null
/** Sending: as Outcome, or queued to be sent once the connection is back. */
export type SendOutcome = Outcome | 'queued'

const pageSize = 50

export function useConversation(conversationId: MaybeRefOrGetter<string>, kind: 'thread' | 'chat' = 'thread') {
  const supabase = useSupabase()
  const sessionStore = useSessionStore()
  const myId = computed(() => sessionStore.user?.id ?? null)
  const conversation = ref<ConversationDetail | null>(null)
  /** The participants as the database lists them (ids for presence and typing, names to show). */
  const people = ref<Person[]>([])
  const participants = computed(() => people.value.map(person => person.name))
  const messages = shallowRef<MessageRow[]>([])
  const hasOlder = ref(false)
  const status = ref<'loading' | 'ready' | 'missing' | 'error'>('loading')
  const errorKey = ref<string | null>(null)
  const id = computed(() => toValue(conversationId))

  async function page(args: Record<string, unknown>) {
    const { data, error, status: httpStatus } = await (await supabase()).rpc('list_messages', { conversation_id: id.value, ...args })
    if (error) throw { ...error, status: httpStatus }
    return (data ?? []) as MessageRow[]
  }

  let generation = 0
  async function load() {
    const mine = ++generation
    const client = await supabase()
    const [found, members] = await Promise.all([
      client.from('conversations').select('id, subject, chat_status, assigned_to, client:clients(name), matter:matters(title, reference)').eq('id', id.value).eq('kind', kind).maybeSingle(),
      client.from('conversation_participants').select('user_id, profiles(display_name)').eq('conversation_id', id.value),
    ])
    if (mine !== generation) return
    if (found.error) {
      errorKey.value = errorMessageKey({ ...found.error, status: found.status })
      status.value = 'error'
      return
    }
    // Not there, or not this person's: the same answer.
    if (!found.data) {
      status.value = 'missing'
      return
    }
    try {
      const newest = await page({ page_size: pageSize })
      if (mine !== generation) return
      conversation.value = found.data as unknown as ConversationDetail
      people.value = ((members.data ?? []) as unknown as Array<{ user_id: string, profiles: { display_name: string } | null }>)
        .map(row => ({ id: row.user_id, name: row.profiles?.display_name ?? '' })).filter(person => person.name)
        .sort((a, b) => a.name.localeCompare(b.name))
      messages.value = newest
      hasOlder.value = newest.length === pageSize
      errorKey.value = null
      status.value = 'ready'
      markReadSoon()
    }
    catch (failure) {
      errorKey.value = errorMessageKey(failure)
      status.value = errorKey.value === 'errors.codes.conversation_not_found' ? 'missing' : 'error'
    }
  }

  async function loadOlder() {
    const first = messages.value[0]
    if (!first) return
    try {
      const older = await page({ before_at: first.created_at, before_id: first.id, page_size: pageSize })
      messages.value = mergeMessages(messages.value, older)
      hasOlder.value = older.length === pageSize
    }
    catch (failure) {
      errorKey.value = errorMessageKey(failure)
    }
  }

  /** After a (re)join: everything after the newest message on screen, page by page. */
  async function catchUp() {
    if (status.value !== 'ready') return load()
    try {
      for (;;) {
        const last = messages.value.at(-1)
        const next = await page(last ? { after_at: last.created_at, after_id: last.id, page_size: 200 } : { page_size: pageSize })
        messages.value = mergeMessages(messages.value, next)
        if (next.length < 200) break
      }
      await refetch(messages.value.slice(-pageSize).map(message => message.id))
      markReadSoon()
    }
    catch {
      // the next event or join tries again
    }
  }

  /** Re-reads named messages (an edit, a deletion, ticks after a read). */
  async function refetch(ids: string[]) {
    if (ids.length === 0) return
    messages.value = mergeMessages(messages.value, await page({ message_ids: ids, page_size: 200 }))
  }

  const countUnread = useMessageCount()
  let readTimer: ReturnType<typeof setTimeout> | undefined
  function markReadSoon() {
    clearTimeout(readTimer)
    readTimer = setTimeout(async () => {
      const unreadByMe = messages.value.some(message => message.author_id !== myId.value)
      if (conversation.value && unreadByMe && document.visibilityState === 'visible') {
        const { error } = await (await supabase()).rpc('mark_conversation_read', { conversation_id: id.value })
        if (!error) await countUnread()
      }
    }, 300)
  }
  const onVisible = () => document.visibilityState === 'visible' && markReadSoon()
  document.addEventListener('visibilitychange', onVisible)

  const live = useRealtimeTopic(() => (conversation.value ? `conversation:${conversation.value.id}` : null), {
    onMessage: ({ event, payload }) => {
      if (event === 'message_created' || event === 'message_updated') {
        void refetch([payload.id as string]).then(() => event === 'message_created' && payload.author_id !== myId.value && markReadSoon(), () => {})
        // A chat's "taken" and "closed" are messages too: its status changed with them.
        if (payload.event) void load()
      }
      else if (event === 'read') void refetch(messages.value.slice(-pageSize).map(message => message.id)).catch(() => {})
    },
    onJoin: () => void catchUp().then(outbox.flush),
  })

  watch(id, () => {
    conversation.value = null
    messages.value = []
    status.value = 'loading'
    void load()
  }, { immediate: true })
  onScopeDispose(() => {
    clearTimeout(readTimer)
    document.removeEventListener('visibilitychange', onVisible)
  })

  /** One message to the database; a retry with the same id lands once. */
  async function deliver(message: PendingMessage): Promise<Delivery> {
    const { error, status: httpStatus } = await (await supabase()).rpc('send_message', {
      conversation_id: id.value, message_id: message.id, body: message.body, quoted_message_id: message.quotedId,
      attachment_ids: message.attachmentIds.length ? message.attachmentIds : null,
    })
    // No answer (offline, connection broken) or a server error: it may or may not have arrived; the
    // outbox tries again with the same id. Any other answer is a refusal of this message.
    if (error) return { sent: false, refusedKey: isTransientFailure(httpStatus) ? null : errorMessageKey({ ...error, status: httpStatus }) }
    await refetch([message.id]).catch(() => {})
    return { sent: true }
  }
  const outbox = useMessageOutbox(id, deliver)
  const { online } = useNetworkStatus()

  async function send(body: string, messageId: string, quotedId: string | null, attachmentIds: string[]): Promise<SendOutcome> {
    const message: PendingMessage = { id: messageId, body, quotedId, attachmentIds, queuedAt: new Date().toISOString() }
    // Offline, or earlier messages still waiting to be sent: behind them, so the order stays the writer's.
    if (!online.value || nextToSend(outbox.pending.value)) {
      outbox.queue(message)
      void outbox.flush()
      return 'queued'
    }
    const outcome = await deliver(message)
    if (outcome.sent) return null
    if (outcome.refusedKey) return outcome.refusedKey
    outbox.queue(message, true)
    return 'queued'
  }

  /** Edits and deletions are single-row updates under the messages' policies; the triggers keep the window and the audit. */
  async function change(messageId: string, changes: { body: string } | { deleted_at: string }): Promise<Outcome> {
    const { data, error, status: httpStatus } = await (await supabase()).from('messages').update(changes).eq('id', messageId).select('id')
    if (error) return errorMessageKey({ ...error, status: httpStatus })
    if (!data?.length) return 'errors.codes.forbidden'
    await refetch([messageId]).catch(() => {})
    return null
  }
  const edit = (messageId: string, body: string) => change(messageId, { body })
  const remove = (messageId: string) => change(messageId, { deleted_at: new Date().toISOString() })

  return { conversation, people, participants, pending: outbox.pending, discardPending: outbox.discard, messages, hasOlder, status, errorKey, myId, live: live.state, load, loadOlder, send, edit, remove }
}
