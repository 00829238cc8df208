// A page's history for the editor (page_revisions, staff only by RLS): who changed what, when;
// newest first, the last 50 (older rows stay in the database). The editor reloads it whenever
// it has read the page again, so every save, publication or archiving shows at once.
import { errorMessageKey } from '~/utils/error-messages'
import type { PageRevision } from '~/utils/page-editor'

export function usePageHistory(pageId: MaybeRefOrGetter<string | null>) {
  const supabase = useSupabase()
  const rows = ref<PageRevision[]>([])
  const errorKey = ref<string | null>(null)

  async function reload() {
    const id = toValue(pageId)
    if (!id) return
    const { data, error } = await (await supabase()).from('page_revisions')
      .select('id, changed_at, action, details, changed_by:profiles(display_name)')
      .eq('page_id', id).order('id', { ascending: false }).limit(50)
    errorKey.value = error ? errorMessageKey(error) : null
    if (!error) rows.value = data as unknown as PageRevision[]
  }

  return { rows, errorKey, reload }
}
