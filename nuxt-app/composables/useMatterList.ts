// The matter list of /akten: staff see every matter, a client user its client's, a guest those it
// was invited to (list_matters decides). Search, client (staff) and status live in the URL; keyset
// pages by (updated_at, id). A removed guest's `matter_access_ended` reloads the list at once.
export interface MatterListRow {
  id: string
  reference: string
  title: string
  status: 'open' | 'closed'
  client_id: string
  client_name: string
  updated_at: string
  closed_at: string | null
  is_guest: boolean
}

export const matterFilterKeys = ['q', 'client', 'status'] as const

export function useMatterList() {
  const supabase = useSupabase()
  const sessionStore = useSessionStore()
  const url = useUrlFilters(matterFilterKeys)
  const filters = computed(() => ({
    search: url.filters.value.q.trim(),
    client: url.filters.value.client || null,
    status: url.filters.value.status === 'open' || url.filters.value.status === 'closed' ? url.filters.value.status : null,
  }))

  const list = useKeysetList<MatterListRow, { at: string, id: string }>({
    fetchPage: async (cursor, limit) => {
      const { data, error, status } = await (await supabase()).rpc('list_matters', {
        search: filters.value.search || null, filter_client: filters.value.client, filter_status: filters.value.status,
        after_updated_at: cursor?.at ?? null, after_id: cursor?.id ?? null, max_rows: limit,
      })
      return { rows: (data ?? []) as MatterListRow[], error: error ? { ...error, status } : null }
    },
    cursorOf: row => ({ at: row.updated_at, id: row.id }),
    keyOf: row => row.id,
  })

  watch(() => JSON.stringify(filters.value), () => void list.reload(), { immediate: true })

  const myId = computed(() => sessionStore.user?.id ?? null)
  useRealtimeTopic(() => (myId.value ? `user:${myId.value}` : null), {
    onMessage: ({ event }) => event === 'matter_access_ended' && void list.refresh(),
    onJoin: () => list.status.value === 'ready' && void list.refresh(),
  })

  return { ...list, filters, update: url.update, clear: url.clear }
}
