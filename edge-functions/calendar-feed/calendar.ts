// Appointments as an iCalendar file (RFC 5545, written by ical-generator). Times go out in UTC
// (the database stores them so): every calendar shows them in its own zone, and a file needs no
// VTIMEZONE block to be exact. The appointment's own zone is named in the description.
import ical, { ICalEventStatus } from 'ical-generator'
import type { PortalSettings } from '../_shared/portal-settings.ts'

/** One event as calendar_feed / appointment_calendar_entry shape it. */
export interface CalendarEvent {
  id: string
  title: string
  description: string | null
  starts_at: string
  ends_at: string
  time_zone: string
  location: string | null
  video_call: boolean
  page_slug?: string | null
  updated_at: string
  confirmed: boolean
}

/** Calendar apps refresh a subscribed feed at most this often (seconds). */
export const feedRefreshSeconds = 3600

export function appointmentLink(settings: PortalSettings, event: CalendarEvent): string {
  return event.page_slug ? `${settings.siteUrl}/seiten/${encodeURIComponent(event.page_slug)}` : `${settings.siteUrl}/termine`
}

function startInOwnZone(event: CalendarEvent): string {
  return new Intl.DateTimeFormat('de-DE', { timeZone: event.time_zone, dateStyle: 'medium', timeStyle: 'short' })
    .format(new Date(event.starts_at))
}

export function calendarFile(settings: PortalSettings, events: CalendarEvent[], now = new Date()): string {
  const host = new URL(settings.siteUrl).host
  const calendar = ical({
    name: `${settings.firmName}: Termine`,
    prodId: { company: settings.firmName, product: 'Mandantenportal', language: 'DE' },
    ttl: feedRefreshSeconds,
  })
  for (const event of events) {
    const link = appointmentLink(settings, event)
    calendar.createEvent({
      id: `${event.id}@${host}`,
      start: new Date(event.starts_at),
      end: new Date(event.ends_at),
      stamp: now,
      lastModified: new Date(event.updated_at),
      summary: event.title,
      location: event.video_call ? 'Videoanruf im Mandantenportal' : event.location,
      description: [event.description?.trim(), `${startInOwnZone(event)} (${event.time_zone})`, `Im Mandantenportal: ${link}`]
        .filter(Boolean).join('\n\n'),
      url: link,
      status: event.confirmed ? ICalEventStatus.CONFIRMED : ICalEventStatus.TENTATIVE,
    })
  }
  return calendar.toString()
}
