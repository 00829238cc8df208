// The documents of /dokumente: one matter's (`?matter=`) or all the caller's matters', newest
// first, keyset pages by (created_at, id). Folder, state and name search live in the URL;
// `list_documents` decides what each persona sees (clients and guests: released or their own
// uploads, after the content check). Every `document_changed` on the user's topic re-reads the
// rows on screen, so a release, an upload's check or a deletion elsewhere shows at once.
export interface DocumentRow {
  id: string
  matter_id: string
  matter_reference: string
  matter_title: string
  name: string
  folder: string | null
  mime_type: string
  size_bytes: number
  version: number
  previous_version_id: string | null
  uploaded_by: string
  uploader_name: string | null
  uploaded_by_staff: boolean
  created_at: string
  uploaded_at: string
  released_at: string | null
  release_note: string | null
  deleted_at: string | null
  deleted_by: string | null
  content_check: string
  content_check_reason: string | null
  is_new: boolean
  sha256: string
}

export const documentStates = ['released', 'checking', 'unreleased', 'new', 'deleted'] as const
/** The states only staff may filter by (list_documents refuses the others with forbidden). */
export const staffOnlyStates = new Set(['unreleased', 'new', 'deleted'])
export const documentFilterKeys = ['matter', 'folder', 'state', 'q'] as const

export function useDocumentList() {
  const supabase = useSupabase()
  const sessionStore = useSessionStore()
  const url = useUrlFilters(documentFilterKeys)
  const filters = computed(() => ({
    matter: url.filters.value.matter || null,
    folder: url.filters.value.folder || null,
    state: (documentStates as readonly string[]).includes(url.filters.value.state) ? url.filters.value.state : null,
    search: url.filters.value.q.trim(),
  }))

  const list = useKeysetList<DocumentRow, { at: string, id: string }>({
    fetchPage: async (cursor, limit) => {
      const { data, error, status } = await (await supabase()).rpc('list_documents', {
        filter_matter: filters.value.matter, filter_folder: filters.value.folder, filter_state: filters.value.state,
        search: filters.value.search || null, after_created_at: cursor?.at ?? null, after_id: cursor?.id ?? null, max_rows: limit,
      })
      return { rows: (data ?? []) as DocumentRow[], error: error ? { ...error, status } : null }
    },
    cursorOf: row => ({ at: row.created_at, id: row.id }),
    keyOf: row => row.id,
  })

  watch(() => JSON.stringify(filters.value), () => void list.reload(), { immediate: true })

  const myId = computed(() => sessionStore.user?.id ?? null)
  useRealtimeTopic(() => (myId.value ? `user:${myId.value}` : null), {
    onMessage: ({ event }) => (event === 'document_changed' || event === 'matter_access_ended') && void list.refresh(),
    onJoin: () => list.status.value === 'ready' && void list.refresh(),
  })

  return { ...list, filters, update: url.update, clear: url.clear }
}
