// The pages of /seiten: a client's and its groups' published pages (staff: every page), pinned
// first, newest first, by keyset; `unread` marks what changed since the person last opened it.
import { pageCursorOf, pageListArguments, type PageCursor, type PageListRow } from '~/utils/pages'

export function usePageList() {
  const supabase = useSupabase()
  const list = useKeysetList<PageListRow, PageCursor>({
    fetchPage: async (cursor, limit) => {
      const { data, error, status } = await (await supabase()).rpc('list_pages', pageListArguments(cursor, limit))
      return { rows: (data ?? []) as PageListRow[], error: error ? { ...error, status } : null }
    },
    cursorOf: pageCursorOf,
    keyOf: row => row.id,
  })
  onMounted(() => void list.reload())
  return list
}
