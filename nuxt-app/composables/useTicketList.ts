// The ticket list of /tickets: a client's or guest's own tickets, or the staff queue with every
// filter, all in the URL; keyset pages of rpc list_tickets, counts per status, and live updates
// from `ticket_activity` on the person's own topic (no channel per ticket, no polling).
import {
  countArguments, isStaffPersona, listArguments, parseQueueFilters, queueFilterKeys,
  type StatusCounts, type TicketCursor, type TicketListRow,
} from '~/utils/tickets'

export function useTicketList() {
  const supabase = useSupabase()
  const sessionStore = useSessionStore()
  const staff = computed(() => isStaffPersona(sessionStore.persona))
  const myId = computed(() => sessionStore.user?.id ?? null)
  const url = useUrlFilters(queueFilterKeys)
  const filters = computed(() => parseQueueFilters(url.filters.value, staff.value))
  const counts = ref<StatusCounts | null>(null)

  const list = useKeysetList<TicketListRow, TicketCursor>({
    fetchPage: async (cursor, limit) => {
      const { data, error, status } = await (await supabase()).rpc('list_tickets', listArguments(filters.value, myId.value, cursor, limit))
      return { rows: (data ?? []) as TicketListRow[], error: error ? { ...error, status } : null }
    },
    cursorOf: row => ({ at: row.last_activity_at, id: row.id }),
    keyOf: row => row.id,
  })

  async function loadCounts() {
    const { data, error } = await (await supabase()).rpc('ticket_status_counts', countArguments(filters.value, myId.value))
    counts.value = error ? null : data as StatusCounts
  }

  let pending: ReturnType<typeof setTimeout> | undefined
  const refreshSoon = () => {
    clearTimeout(pending)
    pending = setTimeout(() => Promise.all([list.refresh(), loadCounts()]), 250)
  }

  // Same filters (e.g. a query value only reordered) load nothing anew.
  watch(() => JSON.stringify(filters.value), () => {
    void list.reload()
    void loadCounts()
  }, { immediate: true })

  useRealtimeTopic(() => (myId.value ? `user:${myId.value}` : null), {
    onMessage: ({ event, payload }) => {
      if (event !== 'ticket_activity') return
      if (payload.kind === 'seen') list.mapRows(row => (row.id === payload.ticket_id ? { ...row, unread: false } : row))
      else refreshSoon()
    },
    // Back after a lost connection or a sleeping tab: read again what is on screen.
    onJoin: () => list.status.value === 'ready' && refreshSoon(),
  })
  onScopeDispose(() => clearTimeout(pending))

  return { ...list, staff, filters, counts, update: url.update, clear: url.clear }
}
