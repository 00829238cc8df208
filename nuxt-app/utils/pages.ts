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

/** Start and end on the clock of the zone the appointment takes place in, with that zone named when it is not Berlin's. */
export function formatAppointmentTime(appointment: Appointment, locale: string): string {
  const format = new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: appointment.time_zone })
  const range = format.formatRange(new Date(appointment.starts_at), new Date(appointment.ends_at))
  return appointment.time_zone === 'Europe/Berlin' ? range : `${range} (${appointment.time_zone})`
}
