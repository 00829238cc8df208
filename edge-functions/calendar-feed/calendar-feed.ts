// GET /functions/v1/calendar-feed/<token>.ics — a person's private calendar feed, for calendar
// apps (Google, Apple, Outlook subscribe without a token of ours: verify_jwt is off). The secret
// token is the only credential: public.calendar_feed(token), as the service role, answers exactly
// its owner's appointments or null for an unknown or revoked token (404, the same for both).
//
// GET /functions/v1/calendar-feed/appointment/<id>.ics — one appointment as a download, for the
// signed-in caller: appointment_calendar_entry runs with the caller's token, so PostgREST checks
// the token and RLS which appointment it may see (this function never reads claims itself).
import { corsHeaders, preflight } from '../_shared/cors.ts'
import { errorResponse, rpcErrorResponse, type RpcError } from '../_shared/errors.ts'
import type { PortalSettings } from '../_shared/portal-settings.ts'
import { isUuid } from '../_shared/request.ts'
import { type CalendarEvent, calendarFile } from './calendar.ts'

type Answer = Promise<{ data: unknown, error: RpcError | null }>

export interface CalendarFeedDeps {
  settings: PortalSettings
  /** public.calendar_feed(token) as the service role. */
  feed: (token: string) => Answer
  /** public.appointment_calendar_entry(id) as the request's caller. */
  entry: (req: Request, appointmentId: string) => Answer
  now?: () => Date
}

// PostgREST's refusals of the token (invalid, expired) and the anon role's missing EXECUTE grant
// (the gateway passes the apikey on as the bearer when there is no user token).
const notSignedIn = new Set(['PGRST301', 'PGRST302', 'PGRST303', '42501'])

// create_calendar_feed's tokens: 32 random bytes, base64url without padding.
const tokenPattern = /^[A-Za-z0-9_-]{43}$/

function icsResponse(req: Request, body: string, filename: string, disposition: 'inline' | 'attachment'): Response {
  return new Response(req.method === 'HEAD' ? null : body, {
    headers: {
      ...corsHeaders,
      'Content-Type': 'text/calendar; charset=utf-8',
      'Content-Disposition': `${disposition}; filename="${filename}"`,
      // Personal data: no shared cache keeps it; the feed's address is its secret.
      'Cache-Control': 'private, no-store',
      'Referrer-Policy': 'no-referrer',
    },
  })
}

export async function calendarFeed(req: Request, deps: CalendarFeedDeps): Promise<Response> {
  const cors = preflight(req)
  if (cors) return cors
  if (req.method !== 'GET' && req.method !== 'HEAD') return errorResponse(405, 'method_not_allowed', 'GET <token>.ics')
  // The runtime hands the function the path from /<function name> on.
  const rest = new URL(req.url).pathname.split('/').slice(2)
  const now = deps.now?.() ?? new Date()

  if (rest.length === 2 && rest[0] === 'appointment') {
    const id = rest[1]!.replace(/\.ics$/, '')
    if (!isUuid(id)) return errorResponse(404, 'appointment_not_found', 'No such appointment')
    if (!req.headers.get('authorization')) return errorResponse(401, 'not_authenticated', 'Sign in first')
    const { data, error } = await deps.entry(req, id)
    if (error) return notSignedIn.has(error.code ?? '') ? errorResponse(401, 'not_authenticated', 'Sign in first') : rpcErrorResponse(error)
    const events = (data as { events: CalendarEvent[] }).events
    return icsResponse(req, calendarFile(deps.settings, events, now), 'termin.ics', 'attachment')
  }

  const token = rest.length === 1 ? rest[0]!.replace(/\.ics$/, '') : ''
  if (!tokenPattern.test(token)) return errorResponse(404, 'calendar_feed_not_found', 'No such calendar feed')
  const { data, error } = await deps.feed(token)
  if (error) return rpcErrorResponse(error)
  if (!data) return errorResponse(404, 'calendar_feed_not_found', 'No such calendar feed')
  const events = (data as { events: CalendarEvent[] }).events
  return icsResponse(req, calendarFile(deps.settings, events, now), 'termine.ics', 'inline')
}
