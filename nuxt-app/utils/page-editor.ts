// The page editor's pure parts: Markdown toolbar edits on a text selection, how a file of the
// page is written in Markdown (`datei:<name>`, resolved by PageBody to the page's own Storage
// folder), wall-clock times of a zone for datetime-local fields, and what a history row says.
import type { Appointment, PageAudience } from '~/utils/pages'

export type MarkdownAction = 'bold' | 'italic' | 'heading' | 'list' | 'link'

export interface TextEdit { text: string, selectionStart: number, selectionEnd: number }

const wrappers: Partial<Record<MarkdownAction, string>> = { bold: '**', italic: '_' }
const linePrefixes: Partial<Record<MarkdownAction, string>> = { heading: '## ', list: '- ' }

/**
 * The text after a toolbar button: bold and italic wrap the selection (or a placeholder), heading
 * and list prefix every selected line, link wraps the selection as the link text of `url`. The
 * new selection covers what the person will want to type over next.
 */
export function applyMarkdown(edit: TextEdit, action: MarkdownAction, placeholder: string, url = 'https://'): TextEdit {
  const { text, selectionStart: start, selectionEnd: end } = edit
  const selected = text.slice(start, end) || placeholder
  const before = text.slice(0, start)
  const after = text.slice(end)
  const wrapper = wrappers[action]
  if (wrapper) {
    return { text: `${before}${wrapper}${selected}${wrapper}${after}`, selectionStart: start + wrapper.length, selectionEnd: start + wrapper.length + selected.length }
  }
  const prefix = linePrefixes[action]
  if (prefix) {
    const lineStart = text.lastIndexOf('\n', start - 1) + 1
    const lines = text.slice(lineStart, end)
    // An empty line gets the placeholder, selected to be typed over; selected lines stay selected.
    if (!lines) return { text: `${text.slice(0, lineStart)}${prefix}${placeholder}${after}`, selectionStart: lineStart + prefix.length, selectionEnd: lineStart + prefix.length + placeholder.length }
    const block = lines.split('\n').map(line => (line.startsWith(prefix) ? line : prefix + line)).join('\n')
    return { text: text.slice(0, lineStart) + block + after, selectionStart: lineStart, selectionEnd: lineStart + block.length }
  }
  const inserted = `[${selected}](${url})`
  const urlStart = start + selected.length + 3
  return { text: before + inserted + after, selectionStart: urlStart, selectionEnd: urlStart + url.length }
}

/** The prefix of a file of the page in Markdown: `![Plan](datei:plan.png)`, `[Merkblatt](datei:merkblatt.pdf)`. */
export const pageFileScheme = 'datei:'

/** A file's name as it is stored under the page: no folders, nothing Storage or a URL would trip over. */
export function pageFileName(path: string): string {
  const name = path.split(/[/\\]/).pop() ?? ''
  const dot = name.lastIndexOf('.')
  const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot + 1)] : [name, '']
  const clean = (part: string) => part.normalize('NFKD').replace(/[\u0300-\u036F]/g, '').replace(/ß/g, 'ss')
    .replace(/[^\w-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '')
  const cleanStem = clean(stem).slice(0, 80) || 'datei'
  const cleanExtension = clean(extension).toLowerCase().slice(0, 10)
  return cleanExtension ? `${cleanStem}.${cleanExtension}` : cleanStem
}

/** Whether the Markdown still names the page's file (an image or a link to `datei:<name>`). */
export const pageFileReferenced = (markdown: string, fileName: string): boolean => markdown.includes(`(${pageFileScheme}${fileName})`)

/** The Markdown that embeds an uploaded file: images shown, other files as a download link. */
export function pageFileMarkdown(fileName: string, label: string, image: boolean): string {
  const text = label.replace(/[[\]\\]/g, '')
  return `${image ? '!' : ''}[${text}](${pageFileScheme}${fileName})`
}

interface ClockParts { year: number, month: number, day: number, hour: number, minute: number }

const clocks = new Map<string, Intl.DateTimeFormat>()
function clockOf(date: Date, timeZone: string): ClockParts {
  let format = clocks.get(timeZone)
  if (!format) {
    clocks.set(timeZone, format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    }))
  }
  const parts = Object.fromEntries(format.formatToParts(date).map(part => [part.type, Number(part.value)]))
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute! }
}

const pad = (value: number) => String(value).padStart(2, '0')

/** An instant as the `YYYY-MM-DDTHH:mm` a datetime-local field shows, on the zone's clock. */
export function zonedInputValue(iso: string, timeZone: string): string {
  const clock = clockOf(new Date(iso), timeZone)
  return `${clock.year}-${pad(clock.month)}-${pad(clock.day)}T${pad(clock.hour)}:${pad(clock.minute)}`
}

/**
 * The instant (ISO, UTC) a datetime-local value means on the zone's clock; null if it is not one.
 * Intl gives the zone's offset at any instant; the offsets a day before and a day after bracket
 * any change that night, and the value is read with whichever of the two makes the clock show it.
 * As calendars do: a time that exists twice (autumn) is the earlier one, a time skipped by the
 * spring change moves on by the hour skipped (read with the offset from before the change).
 */
export function instantOfZonedInput(value: string, timeZone: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value)
  if (!match) return null
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number]
  const wanted = Date.UTC(year, month - 1, day, hour, minute)
  const offsetAt = (instant: number) => {
    const clock = clockOf(new Date(instant), timeZone)
    return Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute) - instant
  }
  const offsets = [offsetAt(wanted - 86_400_000), offsetAt(wanted + 86_400_000)]
  const shown = offsets.map(offset => wanted - offset).filter(instant => instant + offsetAt(instant) === wanted)
  return new Date(shown.length ? Math.min(...shown) : wanted - offsets[0]!).toISOString()
}

/** One row of page_revisions. */
export interface PageRevision {
  id: number
  changed_at: string
  action: 'created' | 'edited' | 'published' | 'unpublished' | 'pinned' | 'unpinned' | 'archived' | 'restored' | 'audience_added' | 'audience_removed'
  details: { title?: string, fields?: Array<'title' | 'body'>, name?: string }
  changed_by: { display_name: string | null } | null
}

/** The history line's i18n key and parameters (edits say which fields changed). */
export function revisionText(revision: PageRevision): { key: string, params: Record<string, string> } {
  if (revision.action === 'edited') {
    const fields = revision.details.fields ?? []
    return { key: `pageEditor.history.edited.${fields.length === 2 ? 'both' : fields[0] ?? 'body'}`, params: {} }
  }
  return { key: `pageEditor.history.${revision.action}`, params: { name: revision.details.name ?? revision.details.title ?? '' } }
}

/** save_page's audience arguments from the picked audiences. */
export const audienceArguments = (audiences: PageAudience[]) => ({
  client_ids: audiences.filter(audience => audience.kind === 'client').map(audience => audience.id),
  group_ids: audiences.filter(audience => audience.kind === 'group').map(audience => audience.id),
})

/** An appointment as the editor's form holds it: wall-clock times on the zone's clock. */
export interface AppointmentDraft {
  id: string
  title: string
  start: string
  end: string
  timeZone: string
  videoCall: boolean
  location: string
  description: string
  /** For an appointment for a client (not on a page): whose, and optionally of which of its matters ('' = none). */
  clientId: string
  matterId: string
}

/** Where the firm's appointments usually take place, offered first; every other zone Intl knows follows. */
export const commonTimeZones = ['Europe/Berlin', 'Europe/Vienna', 'Europe/Zurich', 'Europe/London', 'Europe/Lisbon', 'Europe/Istanbul',
  'America/New_York', 'America/Los_Angeles', 'Asia/Dubai', 'Asia/Shanghai', 'UTC']

/** The zones the form offers: the common ones, then the rest of `supported` sorted, and `current` if neither has it (a zone saved elsewhere). */
export function appointmentTimeZones(current: string, supported: readonly string[]): string[] {
  const common = new Set(commonTimeZones)
  const rest = [...new Set(supported)].filter(zone => !common.has(zone)).sort()
  const zones = [...commonTimeZones, ...rest]
  return zones.includes(current) ? zones : [current, ...zones]
}

export function appointmentDraftOf(appointment: Appointment | null, now = new Date()): AppointmentDraft {
  if (appointment) {
    return {
      id: appointment.id, title: appointment.title, timeZone: appointment.time_zone, videoCall: appointment.video_call,
      start: zonedInputValue(appointment.starts_at, appointment.time_zone), end: zonedInputValue(appointment.ends_at, appointment.time_zone),
      location: appointment.location ?? '', description: appointment.description ?? '',
      clientId: appointment.client_id ?? '', matterId: appointment.appointment_matter_id ?? '',
    }
  }
  // A new one: tomorrow at ten for an hour, in Berlin.
  const tomorrow = new Date(now.getTime() + 86_400_000)
  const day = zonedInputValue(tomorrow.toISOString(), 'Europe/Berlin').slice(0, 10)
  return { id: crypto.randomUUID(), title: '', start: `${day}T10:00`, end: `${day}T11:00`, timeZone: 'Europe/Berlin', videoCall: false, location: '', description: '', clientId: '', matterId: '' }
}

/**
 * save_appointment's arguments, or the i18n key of what is wrong with the form. On a page the
 * appointment is the page's; otherwise it is for the draft's client (and matter, if one is chosen).
 */
export function appointmentArguments(draft: AppointmentDraft, pageId: string | null):
  { args: Record<string, unknown> } | { errorKey: string } {
  if (!pageId && !draft.clientId) return { errorKey: 'errors.codes.appointment_client_required' }
  const target = pageId ? { page_id: pageId } : { client_id: draft.clientId, matter_id: draft.matterId || null }
  const startsAt = instantOfZonedInput(draft.start, draft.timeZone)
  const endsAt = instantOfZonedInput(draft.end, draft.timeZone)
  if (!draft.title.trim()) return { errorKey: 'errors.codes.title_required' }
  if (!startsAt || !endsAt) return { errorKey: 'errors.codes.appointment_time_required' }
  if (endsAt < startsAt) return { errorKey: 'errors.codes.appointment_ends_before_start' }
  return {
    args: {
      appointment_id: draft.id, title: draft.title.trim(), starts_at: startsAt, ends_at: endsAt, time_zone: draft.timeZone,
      video_call: draft.videoCall, location: draft.videoCall ? null : draft.location.trim() || null,
      description: draft.description.trim() || null, ...target,
    },
  }
}
