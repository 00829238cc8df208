// Staff's client list: list_clients keyset-paged by (name, id), the search and archive filter
// from the URL (so a filtered list can be bookmarked and the back button restores it).
import { errorMessageKey } from '~/utils/error-messages'

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

const pageSize = 25

export function useClientList() {
  const supabase = useSupabase()
  const route = useRoute()
  const router = useRouter()
  const rows = ref<ClientListRow[]>([])
  const more = ref(false)
  const loading = ref(false)
  const errorKey = ref<string | null>(null)

  const search = computed({
    get: () => typeof route.query.q === 'string' ? route.query.q : '',
    set: value => void router.replace({ query: { ...route.query, q: value || undefined } }),
  })
  const archived = computed({
    get: () => route.query.archiv === '1',
    set: value => void router.replace({ query: { ...route.query, archiv: value ? '1' : undefined } }),
  })

  async function page(after?: ClientListRow) {
    loading.value = true
    const { data, error } = await (await supabase()).rpc('list_clients', {
      search: search.value || null,
      include_archived: archived.value,
      after_name: after?.name ?? null,
      after_id: after?.id ?? null,
      max_rows: pageSize,
    })
    loading.value = false
    errorKey.value = error ? errorMessageKey(error) : null
    if (error) return
    const found = data as ClientListRow[]
    rows.value = after ? [...rows.value, ...found] : found
    more.value = found.length === pageSize
  }

  const reload = () => page()
  const loadMore = () => page(rows.value.at(-1))
  watch(() => [route.query.q, route.query.archiv], reload)

  return { rows, more, loading, errorKey, search, archived, reload, loadMore }
}
