// Everyone with an account, for Verwaltung → Konten and → Personal: list_people keyset-paged by
// (name, id); search, persona and "only deactivated" in the URL unless the caller fixes personas.
export interface PersonRow {
  user_id: string
  display_name: string
  email: string | null
  persona: string | null
  is_admin: boolean
  factor_state: string
  grace_period_ends_at: string | null
  last_sign_in_at: string | null
  deactivated_at: string | null
  client_names: string[]
  can_manage: boolean
}

export const personas = ['admin', 'staff', 'client', 'guest', 'none'] as const

// The database orders by (display_name, id) in C.UTF-8, i.e. by code points, as `<` does here.
const byNameAndId = (a: PersonRow, b: PersonRow) =>
  a.display_name < b.display_name ? -1 : a.display_name > b.display_name ? 1 : a.user_id < b.user_id ? -1 : a.user_id > b.user_id ? 1 : 0

export function usePeopleList(fixedPersonas?: readonly string[]) {
  const supabase = useSupabase()
  const url = useUrlFilters(['q', 'persona', 'deaktiviert'] as const)
  const persona = computed(() => (personas as readonly string[]).includes(url.filters.value.persona) ? url.filters.value.persona : '')

  const list = useKeysetList<PersonRow, PersonRow>({
    // Several personas: one page each, merged and cut to the page size, so the next page's cursor
    // (the last row kept) skips none of the longer answers' rows.
    fetchPage: async (after, limit) => {
      const client = await supabase()
      const args = {
        search: url.filters.value.q || null, only_deactivated: url.filters.value.deaktiviert === '1',
        after_name: after?.display_name ?? null, after_id: after?.user_id ?? null, max_rows: limit,
      }
      const answers = await Promise.all((fixedPersonas ?? [persona.value || null])
        .map(filter => client.rpc('list_people', { ...args, filter_persona: filter })))
      const error = answers.find(answer => answer.error)?.error ?? null
      const rows = answers.flatMap(answer => (answer.data ?? []) as PersonRow[]).sort(byNameAndId).slice(0, limit)
      return { rows, error }
    },
    cursorOf: row => row,
    keyOf: row => row.user_id,
  })

  const deaktiviert = url.bind('deaktiviert')
  const deactivatedOnly = computed({ get: () => deaktiviert.value === '1', set: (value: boolean) => (deaktiviert.value = value ? '1' : '') })
  watch(() => JSON.stringify(url.filters.value), list.reload, { immediate: true })

  return { ...list, search: url.bind('q'), persona: url.bind('persona'), deactivatedOnly }
}
