// The admins' audit log: list_audit_events newest first, keyset-paged by (occurred_at, id); the
// filters (person, action, object type, time) live in the URL. CSV through audit_events_csv
// (formula-defused and itself audited), the hash chain checked by verify_audit_chain.
import { errorMessageKey } from '~/utils/error-messages'
import { saveBlobAs } from '~/utils/files'

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

export function useAuditLog() {
  const supabase = useSupabase()
  const url = useUrlFilters(auditFilterKeys)
  const check = ref<ChainCheck | null>(null)
  const actionErrorKey = ref<string | null>(null)

  // `bis` is a day: everything up to its end counts.
  const rpcFilters = () => {
    const { person, aktion, objekt, von, bis } = url.filters.value
    return {
      since: von ? new Date(von).toISOString() : null,
      until: bis ? new Date(new Date(bis).getTime() + 86_400_000).toISOString() : null,
      action_prefix: aktion || null,
      for_entity_type: objekt || null,
      for_person: person || null,
    }
  }

  const list = useKeysetList<AuditEvent, AuditEvent>({
    fetchPage: async (before, limit) => {
      const { data, error } = await (await supabase()).rpc('list_audit_events', {
        ...rpcFilters(), max_rows: limit, before_occurred_at: before?.occurred_at ?? null, before_id: before?.id ?? null,
      })
      return { rows: (data ?? []) as AuditEvent[], error }
    },
    cursorOf: event => event,
    keyOf: event => String(event.id),
    pageSize: 50,
  })
  watch(() => JSON.stringify(url.filters.value), list.reload, { immediate: true })

  const failed = (error: unknown) => (actionErrorKey.value = error ? errorMessageKey(error) : null)

  async function exportCsv() {
    const { data, error } = await (await supabase()).rpc('audit_events_csv', rpcFilters())
    if (failed(error)) return
    saveBlobAs(new Blob([data as string], { type: 'text/csv;charset=utf-8' }), `protokoll-${new Date().toISOString().slice(0, 10)}.csv`)
  }

  async function verify() {
    const { data, error } = await (await supabase()).rpc('verify_audit_chain')
    if (!failed(error)) check.value = data as ChainCheck
  }

  const filters = reactive(Object.fromEntries(auditFilterKeys.map(key => [key, url.bind(key)]))) as unknown as Record<(typeof auditFilterKeys)[number], string>

  return { ...list, check, actionErrorKey, filters, exportCsv, verify }
}
