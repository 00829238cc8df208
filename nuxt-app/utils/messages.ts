// The message feature's pure rules: the rows the RPCs answer, the edit window as the database
// keeps it (private.message_edit_window, 15 minutes), the read ticks and the per-thread draft.
import { readStoredDraft, writeStoredDraft } from './drafts'

export interface ConversationRow {
  id: string
  subject: string | null
  client_id: string
  client_name: string
  matter_id: string | null
  matter_title: string | null
  participants: Array<{ id: string, display_name: string, is_staff: boolean }>
  activity_at: string
  is_participant: boolean
  preview: string | null
  preview_author_name: string | null
  preview_deleted: boolean | null
  unread_count: number
}

export interface MessageFile { id: string, name: string, mime_type: string, size_bytes: number }

export interface MessageRow {
  id: string
  author_id: string | null
  author_name: string | null
  author_is_staff: boolean
  body: string
  created_at: string
  edited_at: string | null
  deleted_at: string | null
  event: string | null
  quoted_message_id: string | null
  quoted_author_name: string | null
  quoted_body: string | null
  read_by_all: boolean | null
  attachments: MessageFile[]
}

export interface Recipient { id: string, display_name: string, kind: 'staff' | 'client' | 'guest' }

export const conversationFilterKeys = ['q'] as const
export const messageMaxLength = 20000
/** The database's edit window; the screen offers editing only inside it, the trigger enforces it. */
export const editWindowMs = 15 * 60_000

export const canEdit = (message: MessageRow, myId: string | null, now: number) =>
  Boolean(myId) && message.author_id === myId && !message.deleted_at && !message.event
  && now - Date.parse(message.created_at) < editWindowMs

/** One's own messages: sent (one tick), read by everyone else (two ticks); others' carry none. */
export function tickOf(message: MessageRow, myId: string | null): 'sent' | 'read' | null {
  if (message.author_id !== myId || message.deleted_at || message.read_by_all === null) return null
  return message.read_by_all ? 'read' : 'sent'
}

/** Merges fetched messages into those on screen, in the database's order (created_at, id). */
export function mergeMessages(current: MessageRow[], fetched: MessageRow[]): MessageRow[] {
  const byId = new Map(current.map(message => [message.id, message]))
  for (const message of fetched) byId.set(message.id, message)
  return [...byId.values()].sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id))
}

export interface Draft { body: string, id: string, quotedId: string | null }

const draftKey = (conversationId: string) => `message.${conversationId}`

/** The reply being written in a thread, kept until it is sent (utils/drafts: this tab only, gone at sign-out). */
export const readDraft = (conversationId: string): Draft =>
  readStoredDraft(draftKey(conversationId), () => ({ body: '', id: crypto.randomUUID(), quotedId: null }))

export const writeDraft = (conversationId: string, draft: Draft) =>
  writeStoredDraft(draftKey(conversationId), draft, Boolean(draft.body || draft.quotedId))
