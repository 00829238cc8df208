// The pages of /seiten and the overview: a client's and its groups' published pages (staff: every
// page), pinned first, newest first, by keyset; `unread` marks what changed since the person last
// opened it. Live from the person's own topic: a page published for them (or an audience that now
// reaches them) notifies them there (`notification_created` for a page), which re-reads the rows
// on screen; every (re)join catches up on what was missed.
import { pageCursorOf, pageListArguments, type PageCursor, type PageListRow } from '~/utils/pages'

export function usePageList(options: { pageSize?: number } = {}) {
  const supabase = useSupabase()
  const sessionStore = useSessionStore()
  const myId = computed(() => sessionStore.user?.id ?? null)
  const list = useKeysetList<PageListRow, PageCursor>({
    fetchPage: async (cursor, limit) => {
      const { data, error, status } = await (await supabase()).rpc('list_pages', pageListArguments(cursor, limit))
      return { rows: (data ?? []) as PageListRow[], error: error ? { ...error, status } : null }
    },
    cursorOf: pageCursorOf,
    keyOf: row => row.id,
    pageSize: options.pageSize,
  })

  let pending: ReturnType<typeof setTimeout> | undefined
  const refreshSoon = () => {
    clearTimeout(pending)
    pending = setTimeout(list.refresh, 250)
  }
  onMounted(() => void list.reload())
  useRealtimeTopic(() => (myId.value ? `user:${myId.value}` : null), {
    onMessage: ({ event, payload }) => {
      const record = (payload as { record?: { entity_type?: string } }).record
      if (event === 'notification_created' && record?.entity_type === 'page') refreshSoon()
    },
    onJoin: () => list.status.value === 'ready' && refreshSoon(),
  })
  onScopeDispose(() => clearTimeout(pending))
  return list
}
