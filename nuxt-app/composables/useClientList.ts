// Staff's client list: list_clients keyset-paged by (name, id), the search (`q`) and archive
// filter (`archiv=1`) in the URL, so a filtered list can be bookmarked.
export interface ClientListRow {
  id: string
  kind: 'person' | 'company'
  name: string
  reference_number: string
  email: string | null
  archived_at: string | null
  user_count: number
  matter_count: number
}

export function useClientList() {
  const supabase = useSupabase()
  const url = useUrlFilters(['q', 'archiv'] as const)

  const list = useKeysetList<ClientListRow, ClientListRow>({
    fetchPage: async (after, limit) => {
      const { data, error } = await (await supabase()).rpc('list_clients', {
        search: url.filters.value.q || null,
        include_archived: url.filters.value.archiv === '1',
        after_name: after?.name ?? null,
        after_id: after?.id ?? null,
        max_rows: limit,
      })
      return { rows: (data ?? []) as ClientListRow[], error }
    },
    cursorOf: row => row,
    keyOf: row => row.id,
  })

  const archiv = url.bind('archiv')
  const archived = computed({ get: () => archiv.value === '1', set: (value: boolean) => (archiv.value = value ? '1' : '') })
  watch(() => JSON.stringify(url.filters.value), list.reload, { immediate: true })

  return { ...list, search: url.bind('q'), archived }
}
