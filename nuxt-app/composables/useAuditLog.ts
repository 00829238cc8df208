// The admins' audit log: list_audit_events newest first, keyset-paged by (occurred_at, id); the
// filters (person, action, object type, time) live in the URL. CSV through audit_events_csv
// (formula-defused and itself audited), the hash chain checked by verify_audit_chain.
import { errorMessageKey } from '~/utils/error-messages'

export interface AuditEvent {
  id: number
  occurred_at: string
  actor_id: string | null
  actor_name: string | null
  action: string
  entity_type: string
  entity_id: string | null
  entity_label: string | null
  details: Record<string, unknown>
}

export interface ChainCheck { intact: boolean, checked: number, first_broken_position: number | null, problem: string | null }

export const auditFilterKeys = ['person', 'aktion', 'objekt', 'von', 'bis'] as const
const pageSize = 50

export function useAuditLog() {
  const supabase = useSupabase()
  const route = useRoute()
  const router = useRouter()
  const events = ref<AuditEvent[]>([])
  const more = ref(false)
  const check = ref<ChainCheck | null>(null)
  const errorKey = ref<string | null>(null)

  const filters = reactive(Object.fromEntries(auditFilterKeys.map(key => [key, computed({
    get: () => typeof route.query[key] === 'string' ? route.query[key] as string : '',
    set: (value: string) => void router.replace({ query: { ...route.query, [key]: value || undefined } }),
  })])) as unknown as Record<(typeof auditFilterKeys)[number], string>)

  // `bis` is a day: everything up to its end counts.
  const rpcFilters = () => ({
    since: filters.von ? new Date(filters.von).toISOString() : null,
    until: filters.bis ? new Date(new Date(filters.bis).getTime() + 86_400_000).toISOString() : null,
    action_prefix: filters.aktion || null,
    for_entity_type: filters.objekt || null,
    for_person: filters.person || null,
  })

  const fail = (error: unknown) => (errorKey.value = error ? errorMessageKey(error) : null)

  async function page(before?: AuditEvent) {
    const { data, error } = await (await supabase()).rpc('list_audit_events', {
      ...rpcFilters(), max_rows: pageSize, before_occurred_at: before?.occurred_at ?? null, before_id: before?.id ?? null,
    })
    if (fail(error)) return
    const found = data as AuditEvent[]
    events.value = before ? [...events.value, ...found] : found
    more.value = found.length === pageSize
  }

  async function exportCsv() {
    const { data, error } = await (await supabase()).rpc('audit_events_csv', rpcFilters())
    if (fail(error)) return
    const link = document.createElement('a')
    link.href = URL.createObjectURL(new Blob([data as string], { type: 'text/csv;charset=utf-8' }))
    link.download = `protokoll-${new Date().toISOString().slice(0, 10)}.csv`
    link.click()
    URL.revokeObjectURL(link.href)
  }

  async function verify() {
    const { data, error } = await (await supabase()).rpc('verify_audit_chain')
    if (!fail(error)) check.value = data as ChainCheck
  }

  const reload = () => page()
  watch(() => auditFilterKeys.map(key => route.query[key]), reload)

  return { events, more, check, errorKey, filters, reload, loadMore: () => page(events.value.at(-1)), exportCsv, verify }
}
