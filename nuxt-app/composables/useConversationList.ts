// The thread list of /nachrichten: keyset pages of rpc list_conversations (newest activity first,
// unread counts, previews), the search in the URL, and live from the person's own topic: a new
// message notifies its readers there (`notification_created` for a conversation), which re-reads
// the rows on screen. Threads only; the live chat has its own screen.
import { conversationFilterKeys, type ConversationRow } from '~/utils/messages'

interface Cursor { at: string, id: string }

export function useConversationList() {
  const supabase = useSupabase()
  const sessionStore = useSessionStore()
  const myId = computed(() => sessionStore.user?.id ?? null)
  const url = useUrlFilters(conversationFilterKeys)
  const search = computed(() => url.filters.value.q.trim())

  const list = useKeysetList<ConversationRow, Cursor>({
    fetchPage: async (cursor, limit) => {
      const { data, error, status } = await (await supabase()).rpc('list_conversations', {
        kind: 'thread', search: search.value || null, scope: 'mine',
        before_at: cursor?.at ?? null, before_id: cursor?.id ?? null, page_size: limit,
      })
      return { rows: (data ?? []) as ConversationRow[], error: error ? { ...error, status } : null }
    },
    cursorOf: row => ({ at: row.activity_at, id: row.id }),
    keyOf: row => row.id,
  })

  let pending: ReturnType<typeof setTimeout> | undefined
  const refreshSoon = () => {
    clearTimeout(pending)
    pending = setTimeout(list.refresh, 250)
  }
  watch(search, () => void list.reload(), { immediate: true })

  useRealtimeTopic(() => (myId.value ? `user:${myId.value}` : null), {
    onMessage: ({ event, payload }) => {
      const record = (payload as { record?: { entity_type?: string } }).record
      if (event === 'notification_created' && record?.entity_type === 'conversation') refreshSoon()
    },
    onJoin: () => list.status.value === 'ready' && refreshSoon(),
  })
  onScopeDispose(() => clearTimeout(pending))

  return { ...list, search, searchModel: url.bind('q') }
}
