// Everyone with an account, for Verwaltung → Konten and → Personal: list_people keyset-paged by
// (name, id); search, persona and "only deactivated" from the URL unless the caller fixes a persona.
import { errorMessageKey } from '~/utils/error-messages'

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
const pageSize = 25

export function usePeopleList(fixedPersonas?: readonly string[]) {
  const supabase = useSupabase()
  const route = useRoute()
  const router = useRouter()
  const rows = ref<PersonRow[]>([])
  const more = ref(false)
  const errorKey = ref<string | null>(null)
  const queryValue = (key: string) => typeof route.query[key] === 'string' ? route.query[key] as string : ''
  const setQuery = (key: string, value: string) => void router.replace({ query: { ...route.query, [key]: value || undefined } })

  const search = computed({ get: () => queryValue('q'), set: value => setQuery('q', value) })
  const persona = computed({
    get: () => (personas as readonly string[]).includes(queryValue('persona')) ? queryValue('persona') : '',
    set: value => setQuery('persona', value),
  })
  const deactivatedOnly = computed({ get: () => queryValue('deaktiviert') === '1', set: value => setQuery('deaktiviert', value ? '1' : '') })

  async function page(after?: PersonRow) {
    const client = await supabase()
    const args = { search: search.value || null, only_deactivated: deactivatedOnly.value, after_name: after?.display_name ?? null, after_id: after?.user_id ?? null, max_rows: pageSize }
    const answers = await Promise.all((fixedPersonas ?? [persona.value || null]).map(filter => client.rpc('list_people', { ...args, filter_persona: filter })))
    const failed = answers.find(answer => answer.error)
    errorKey.value = failed ? errorMessageKey(failed.error) : null
    if (failed) return
    const found = answers.flatMap(answer => answer.data as PersonRow[])
      .sort((a, b) => a.display_name.localeCompare(b.display_name) || a.user_id.localeCompare(b.user_id))
    rows.value = after ? [...rows.value, ...found] : found
    more.value = answers.some(answer => (answer.data as PersonRow[]).length === pageSize)
  }

  const reload = () => page()
  const loadMore = () => page(rows.value.at(-1))
  watch(() => [route.query.q, route.query.persona, route.query.deaktiviert], reload)

  return { rows, more, errorKey, search, persona, deactivatedOnly, reload, loadMore }
}
