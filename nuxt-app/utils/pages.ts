// Sonderseiten and Termine as the screens read them (pure): the rows of list_pages and get_page,
// the list's keyset cursor, and which answer a client gave to an appointment.

export interface PageAudience { kind: 'client' | 'group', id: string, name: string }

export interface PageListRow {
  id: string
  slug: string
  title: string
  excerpt: string | null
  pinned: boolean
  published: boolean
  published_at: string | null
  listed_at: string
  archived_at: string | null
  unread: boolean
  audiences: PageAudience[]
}

export type AppointmentAnswer = 'confirmed' | 'declined' | 'reschedule_requested'
export const appointmentAnswers: AppointmentAnswer[] = ['confirmed', 'declined', 'reschedule_requested']

export interface AppointmentResponse { client_id: string, response: AppointmentAnswer, note: string | null, responded_at: string }

export interface Appointment {
  id: string
  title: string
  description?: string | null
  starts_at: string
  ends_at: string
  time_zone: string
  location: string | null
  video_call: boolean
  page_slug?: string | null
  page_title?: string | null
  /** Set for an appointment for a client (not on a page); upcoming_appointments also names it. */
  client_id?: string | null
  client_name?: string | null
  appointment_matter_id?: string | null
  responses: AppointmentResponse[]
}

export interface PageDetail extends PageListRow {
  body: string
  appointments: Appointment[]
}

export interface PageCursor { pinned: boolean, listedAt: string, id: string }

export const pageCursorOf = (row: PageListRow): PageCursor => ({ pinned: row.pinned, listedAt: row.listed_at, id: row.id })

/** list_pages' arguments: the keyset after the last row shown (pinned first, newest first). */
export const pageListArguments = (cursor: PageCursor | null, limit: number) => ({
  max_count: limit,
  after_pinned: cursor?.pinned ?? null,
  after_listed_at: cursor?.listedAt ?? null,
  after_id: cursor?.id ?? null,
})

/** The latest answer the caller's client gave (the database keeps one per client and appointment). */
export const latestAnswer = (appointment: Appointment): AppointmentResponse | null =>
  [...appointment.responses].sort((a, b) => b.responded_at.localeCompare(a.responded_at))[0] ?? null

/** For staff: how many clients gave each answer (a page's appointment reaches many clients). */
export function answerCounts(appointment: Appointment): Array<{ response: AppointmentAnswer, count: number }> {
  const byClient = new Map<string, AppointmentAnswer>()
  for (const answer of [...appointment.responses].sort((a, b) => a.responded_at.localeCompare(b.responded_at))) byClient.set(answer.client_id, answer.response)
  const answers = [...byClient.values()]
  return appointmentAnswers
    .map(response => ({ response, count: answers.filter(given => given === response).length }))
    .filter(entry => entry.count > 0)
}

function appointmentRange(appointment: Appointment, locale: string, timeZone: string): string {
  const format = new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone })
  // Intl's own German range already says "14:00–15:00 Uhr" for an appointment within one day.
  return format.formatRange(new Date(appointment.starts_at), new Date(appointment.ends_at))
}

/** Start and end on the clock of the zone the appointment takes place in, with that zone named: "…, 14:00–15:00 Uhr (Europe/Berlin)". */
export function formatAppointmentTime(appointment: Appointment, locale: string): string {
  return `${appointmentRange(appointment, locale, appointment.time_zone)} (${appointment.time_zone})`
}

/** The browser's own zone (the reader's clock), or null where Intl cannot say. */
export const viewerTimeZone = (): string | null => Intl.DateTimeFormat().resolvedOptions().timeZone ?? null

/**
 * The same appointment on the reader's clock, when that clock shows another time than the
 * appointment's zone does (a client abroad); null when both clocks agree (e.g. Berlin and Vienna).
 */
export function localAppointmentTime(appointment: Appointment, locale: string, viewerZone: string | null): string | null {
  if (!viewerZone || viewerZone === appointment.time_zone) return null
  const clock = (timeZone: string) => new Intl.DateTimeFormat('en-US', { timeZone, dateStyle: 'short', timeStyle: 'short', hourCycle: 'h23' })
  const instants = [appointment.starts_at, appointment.ends_at].map(iso => new Date(iso))
  if (instants.every(instant => clock(viewerZone).format(instant) === clock(appointment.time_zone).format(instant))) return null
  return `${appointmentRange(appointment, locale, viewerZone)} (${viewerZone})`
}
