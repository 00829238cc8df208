// One ticket as its page shows it: the ticket, its timeline (replies with attachments, staff's
// internal notes, status and triage changes) and the names in it; live through `ticket:<id>`
// (replies, status, triage) and, for staff, the notes announced on their own topic. Every change
// re-reads the timeline (the database's order wins) and, while the page is in front, marks the
// ticket seen, which also cancels the mail waiting for this person.
import type { StaffMember } from '~/composables/useStaffMembers'
import { errorMessageKey } from '~/utils/error-messages'
import {
  buildTimeline, isStaffPersona, peopleIn,
  type ChangeRow, type NoteRow, type ReplyRow, type StatusRow, type TicketBase, type TicketStatus, type TimelineEntry,
} from '~/utils/tickets'

export interface TicketDetail extends TicketBase {
  created_by: string | null
  matter: { title: string, reference: string | null } | null
  client: { name: string } | null
}

const ticketColumns = 'id, number, subject, status, priority, category, client_id, matter_id, created_by, requester_id, assignee_id, created_at, last_activity_at, matter:matters(title, reference), client:clients(name)'

/** Answers of the single-row writes: refusals become i18n keys, a row nobody may change reads as forbidden. */
export type Outcome = string | null

export function useTicket(number: MaybeRefOrGetter<number>) {
  const supabase = useSupabase()
  const sessionStore = useSessionStore()
  const staff = computed(() => isStaffPersona(sessionStore.persona))
  const myId = computed(() => sessionStore.user?.id ?? null)
  const ticket = ref<TicketDetail | null>(null)
  const timeline = ref<TimelineEntry[]>([])
  const names = ref<Record<string, string>>({})
  const status = ref<'loading' | 'ready' | 'missing' | 'error'>('loading')
  const errorKey = ref<string | null>(null)
  const team = ref<StaffMember[]>([])

  async function readTimeline(client: Awaited<ReturnType<typeof supabase>>, ticketId: string) {
    const [replies, statuses, changes, notes] = await Promise.all([
      client.from('ticket_replies').select('id, author_id, body, created_at, documents(id, name, size_bytes, mime_type, deleted_at)')
        .eq('ticket_id', ticketId).order('created_at').order('id').limit(1000),
      client.from('ticket_status_history').select('id, from_status, to_status, changed_by, changed_at').eq('ticket_id', ticketId).order('changed_at').order('id'),
      client.from('ticket_field_changes').select('id, field, from_value, to_value, changed_by, changed_at').eq('ticket_id', ticketId).order('changed_at').order('id'),
      staff.value ? client.rpc('read_internal_notes', { ticket_id: ticketId }) : Promise.resolve({ data: [], error: null }),
    ])
    const failed = [replies, statuses, changes, notes].find(result => result.error)
    if (failed) throw failed.error
    return buildTimeline(replies.data as ReplyRow[], notes.data as NoteRow[], statuses.data as StatusRow[], changes.data as ChangeRow[])
  }

  async function readNames(client: Awaited<ReturnType<typeof supabase>>, ids: string[]) {
    const unknown = ids.filter(id => !(id in names.value))
    if (unknown.length === 0) return
    const { data } = await client.from('profiles').select('id, display_name').in('id', unknown)
    names.value = { ...names.value, ...Object.fromEntries((data ?? []).map(row => [row.id as string, row.display_name as string])) }
  }

  let generation = 0
  async function load() {
    const mine = ++generation
    const client = await supabase()
    const { data, error, status: httpStatus } = await client.from('tickets').select(ticketColumns).eq('number', toValue(number)).maybeSingle()
    if (mine !== generation) return
    if (error) {
      errorKey.value = errorMessageKey({ ...error, status: httpStatus })
      status.value = ticket.value ? 'ready' : 'error'
      return
    }
    // Not there, or not this person's: the same answer (RLS shows nothing of other clients).
    if (!data) {
      status.value = 'missing'
      return
    }
    try {
      const entries = await readTimeline(client, data.id)
      const found = data as unknown as TicketDetail
      await readNames(client, [...peopleIn(entries), found.requester_id, found.assignee_id, found.created_by].filter((id): id is string => Boolean(id)))
      if (mine !== generation) return
      ticket.value = found
      timeline.value = entries
      errorKey.value = null
      status.value = 'ready'
      markSeen()
    }
    catch (failure) {
      errorKey.value = errorMessageKey(failure)
      if (!ticket.value) status.value = 'error'
    }
  }

  let seenTimer: ReturnType<typeof setTimeout> | undefined
  /** Only while the page is in front: a ticket in a background tab is not being looked at. */
  function markSeen() {
    clearTimeout(seenTimer)
    seenTimer = setTimeout(async () => {
      if (ticket.value && document.visibilityState === 'visible') await (await supabase()).rpc('mark_ticket_seen', { ticket_id: ticket.value.id })
    }, 300)
  }
  const onVisible = () => document.visibilityState === 'visible' && markSeen()
  document.addEventListener('visibilitychange', onVisible)

  let refreshTimer: ReturnType<typeof setTimeout> | undefined
  const refreshSoon = () => {
    clearTimeout(refreshTimer)
    refreshTimer = setTimeout(load, 150)
  }
  const ticketId = computed(() => ticket.value?.id ?? null)
  const live = useRealtimeTopic(() => (ticketId.value ? `ticket:${ticketId.value}` : null), { onMessage: refreshSoon, onJoin: refreshSoon })
  // Internal notes are never sent on the ticket's topic; staff hear of them on their own.
  useRealtimeTopic(() => (staff.value && ticketId.value && myId.value ? `user:${myId.value}` : null), {
    onMessage: ({ event, payload }) => event === 'ticket_activity' && payload.ticket_id === ticketId.value && payload.kind === 'note' && refreshSoon(),
  })
  watch(() => toValue(number), () => {
    ticket.value = null
    status.value = 'loading'
    void load()
  }, { immediate: true })
  onScopeDispose(() => {
    clearTimeout(refreshTimer)
    clearTimeout(seenTimer)
    document.removeEventListener('visibilitychange', onVisible)
  })

  async function rpc(name: string, args: Record<string, unknown>): Promise<Outcome> {
    const { error, status: httpStatus } = await (await supabase()).rpc(name, args)
    if (error) return errorMessageKey({ ...error, status: httpStatus })
    refreshSoon()
    return null
  }

  const reply = (body: string, replyId: string, attachmentIds: string[]) =>
    rpc('reply_to_ticket', { ticket_id: ticketId.value, body, reply_id: replyId, attachment_ids: attachmentIds })
  const addNote = (body: string, noteId: string) => rpc('add_internal_note', { ticket_id: ticketId.value, body, note_id: noteId })
  const setStatus = (next: TicketStatus) => rpc('set_ticket_status', { ticket_id: ticketId.value, status: next })

  /** Staff triage: one column of the ticket, under the tickets' update policy. */
  async function triage(changes: Partial<Pick<TicketDetail, 'assignee_id' | 'priority' | 'category'>>): Promise<Outcome> {
    const { data, error, status: httpStatus } = await (await supabase()).from('tickets').update(changes).eq('id', ticketId.value!).select('id')
    if (error) return errorMessageKey({ ...error, status: httpStatus })
    if (!data?.length) return 'errors.codes.forbidden'
    refreshSoon()
    return null
  }

  const staffMembers = useStaffMembers()
  async function loadTeam() {
    team.value = await staffMembers()
    names.value = { ...Object.fromEntries(team.value.map(member => [member.id, member.name])), ...names.value }
  }

  return { ticket, timeline, names, status, errorKey, staff, team, live: live.state, load, loadTeam, reply, addNote, setStatus, triage }
}
