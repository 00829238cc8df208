// Tickets as the app sees them: the values the database allows, the queue's filters as they live
// in the URL, which status changes to offer whom (the database decides; this only hides buttons
// it would refuse), and a ticket's timeline in the order things happened.
import type { Persona } from './security'

export const ticketStatuses = ['open', 'pending', 'resolved', 'closed'] as const
export const ticketPriorities = ['low', 'normal', 'high', 'urgent'] as const
export const ticketCategories = ['general', 'documents', 'appointments', 'billing', 'technical'] as const
export type TicketStatus = typeof ticketStatuses[number]
export type TicketPriority = typeof ticketPriorities[number]
export type TicketCategory = typeof ticketCategories[number]

/** The columns of public.tickets the app shows. */
export interface TicketBase {
  id: string
  number: number
  subject: string
  status: TicketStatus
  priority: TicketPriority
  category: TicketCategory
  client_id: string
  matter_id: string | null
  requester_id: string | null
  assignee_id: string | null
  created_at: string
  last_activity_at: string
}

/** A row of rpc list_tickets: the ticket with the names its row shows and whether it has news. */
export interface TicketListRow extends TicketBase {
  client_name: string | null
  matter_title: string | null
  matter_reference: string | null
  requester_name: string | null
  assignee_name: string | null
  unread: boolean
}

export const isStaffPersona = (persona: Persona | null) => persona === 'admin' || persona === 'staff'

/** How a status reads for this person: "pending" waits for the client, so it says so. */
export const statusLabelKey = (status: TicketStatus, staff: boolean) =>
  status === 'pending' ? `tickets.status.pending.${staff ? 'staff' : 'client'}` : `tickets.status.${status}`

// ---------------------------------------------------------------------------------------------
// The queue's filters in the URL (?status=…&assignee=…&client=…&matter=…&category=…&priority=…&q=…&sort=…)
// ---------------------------------------------------------------------------------------------

export const queueFilterKeys = ['status', 'assignee', 'client', 'matter', 'category', 'priority', 'q', 'sort'] as const
export type QueueFilterKey = typeof queueFilterKeys[number]

/** `active`: open and pending (what still needs someone), the staff's default; `all`, the clients'. */
export const statusChoices = ['active', 'all', ...ticketStatuses] as const
export type StatusChoice = typeof statusChoices[number]

export interface QueueFilters {
  status: StatusChoice
  /** `me`, `none` (nobody assigned), a staff member's id, or every ticket. */
  assignee: string | null
  client: string | null
  matter: string | null
  category: TicketCategory | null
  priority: TicketPriority | null
  search: string
  oldestFirst: boolean
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const oneOf = <T extends string>(values: readonly T[], value: string): T | null => (values as readonly string[]).includes(value) ? value as T : null
const uuidOrNull = (value: string) => (uuidPattern.test(value) ? value : null)

/** The URL's values, each checked: anything unknown falls back to the default instead of failing. */
export function parseQueueFilters(raw: Record<QueueFilterKey, string>, staff: boolean): QueueFilters {
  return {
    status: oneOf(statusChoices, raw.status) ?? (staff ? 'active' : 'all'),
    assignee: staff ? (raw.assignee === 'me' || raw.assignee === 'none' ? raw.assignee : uuidOrNull(raw.assignee)) : null,
    client: staff ? uuidOrNull(raw.client) : null,
    matter: uuidOrNull(raw.matter),
    category: oneOf(ticketCategories, raw.category),
    priority: staff ? oneOf(ticketPriorities, raw.priority) : null,
    search: raw.q.trim().slice(0, 200),
    oldestFirst: raw.sort === 'oldest',
  }
}

export const statusesOf = (choice: StatusChoice): TicketStatus[] | null =>
  choice === 'all' ? null : choice === 'active' ? ['open', 'pending'] : [choice]

/** Arguments of rpc ticket_status_counts for these filters (every filter but the status). */
export function countArguments(filters: QueueFilters, myId: string | null): Record<string, unknown> {
  return {
    filter_assignee: filters.assignee === 'me' ? myId : filters.assignee === 'none' ? null : filters.assignee,
    filter_unassigned: filters.assignee === 'none',
    filter_client: filters.client,
    filter_matter: filters.matter,
    filter_category: filters.category,
    filter_priority: filters.priority,
    search: filters.search || null,
  }
}

export interface TicketCursor { at: string, id: string }

/** Arguments of rpc list_tickets: the filters, the sort, and the page after `cursor`. */
export function listArguments(filters: QueueFilters, myId: string | null, cursor: TicketCursor | null, limit: number): Record<string, unknown> {
  return {
    ...countArguments(filters, myId),
    filter_statuses: statusesOf(filters.status),
    oldest_first: filters.oldestFirst,
    after_activity_at: cursor?.at ?? null,
    after_id: cursor?.id ?? null,
    max_rows: limit,
  }
}

export type StatusCounts = Record<TicketStatus, number>

export function choiceCount(counts: StatusCounts | null, choice: StatusChoice): number | null {
  if (!counts) return null
  const statuses: readonly TicketStatus[] = statusesOf(choice) ?? ticketStatuses
  return statuses.reduce<number>((sum, status) => sum + (counts[status] ?? 0), 0)
}

// ---------------------------------------------------------------------------------------------
// What each person may do with a ticket's status (mirrors public.set_ticket_status)
// ---------------------------------------------------------------------------------------------

/** Clients and guests close a ticket or reopen a resolved or closed one; staff move it anywhere. */
export function statusActions(staff: boolean, status: TicketStatus): TicketStatus[] {
  if (staff) return ticketStatuses.filter(candidate => candidate !== status)
  return status === 'resolved' || status === 'closed' ? ['open'] : ['closed']
}

// ---------------------------------------------------------------------------------------------
// The timeline: replies, internal notes, status changes and triage changes in database order
// ---------------------------------------------------------------------------------------------

export interface TicketAttachment { id: string, name: string, size_bytes: number, mime_type: string }
export interface ReplyRow { id: string, author_id: string | null, body: string, created_at: string, documents?: Array<TicketAttachment & { deleted_at: string | null }> }
export interface NoteRow { id: string, author_id: string | null, body: string, created_at: string }
export interface StatusRow { id: number, from_status: TicketStatus | null, to_status: TicketStatus, changed_by: string | null, changed_at: string }
export interface ChangeRow { id: number, field: 'assignee' | 'priority' | 'category', from_value: string | null, to_value: string | null, changed_by: string | null, changed_at: string }

export type TimelineEntry
  = | { kind: 'reply', key: string, at: string, authorId: string | null, body: string, attachments: TicketAttachment[] }
    | { kind: 'note', key: string, at: string, authorId: string | null, body: string }
    | { kind: 'status', key: string, at: string, actorId: string | null, from: TicketStatus | null, to: TicketStatus }
    | { kind: 'change', key: string, at: string, actorId: string | null, field: ChangeRow['field'], from: string | null, to: string | null }

/** One list, oldest first; at the same moment the text comes before what it caused (a reply reopening). */
export function buildTimeline(replies: ReplyRow[], notes: NoteRow[], statuses: StatusRow[], changes: ChangeRow[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...replies.map(reply => ({
      kind: 'reply' as const, key: `reply-${reply.id}`, at: reply.created_at, authorId: reply.author_id, body: reply.body,
      attachments: (reply.documents ?? []).filter(file => !file.deleted_at).map(({ id, name, size_bytes, mime_type }) => ({ id, name, size_bytes, mime_type })),
    })),
    ...notes.map(note => ({ kind: 'note' as const, key: `note-${note.id}`, at: note.created_at, authorId: note.author_id, body: note.body })),
    ...statuses.map(row => ({ kind: 'status' as const, key: `status-${row.id}`, at: row.changed_at, actorId: row.changed_by, from: row.from_status, to: row.to_status })),
    ...changes.map(row => ({ kind: 'change' as const, key: `change-${row.id}`, at: row.changed_at, actorId: row.changed_by, field: row.field, from: row.from_value, to: row.to_value })),
  ]
  const rank = { reply: 0, note: 1, status: 2, change: 3 }
  return entries.sort((a, b) => a.at.localeCompare(b.at) || rank[a.kind] - rank[b.kind] || a.key.localeCompare(b.key))
}

/** Every person a timeline names, for one lookup of their names. */
export function peopleIn(entries: TimelineEntry[]): string[] {
  const ids = new Set<string>()
  for (const entry of entries) {
    const person = entry.kind === 'reply' || entry.kind === 'note' ? entry.authorId : entry.actorId
    if (person) ids.add(person)
    if (entry.kind === 'change' && entry.field === 'assignee' && entry.to) ids.add(entry.to)
  }
  return [...ids]
}

/** The i18n key and parameters of a status or triage change, in words. */
export function changeSentence(entry: Extract<TimelineEntry, { kind: 'status' | 'change' }>, name: (id: string | null) => string, staff: boolean): { key: string, params: Record<string, string>, valueKey?: string } {
  const actor = name(entry.actorId)
  if (entry.kind === 'status') {
    if (entry.from === null) return { key: 'tickets.history.opened', params: { actor } }
    return { key: 'tickets.history.status', params: { actor }, valueKey: statusLabelKey(entry.to, staff) }
  }
  if (entry.field === 'assignee') {
    if (!entry.to) return { key: 'tickets.history.unassigned', params: { actor } }
    if (entry.to === entry.actorId) return { key: 'tickets.history.tookOver', params: { actor } }
    return { key: 'tickets.history.assigned', params: { actor, assignee: name(entry.to) } }
  }
  return { key: `tickets.history.${entry.field}`, params: { actor }, valueKey: `tickets.${entry.field}.${entry.to}` }
}
