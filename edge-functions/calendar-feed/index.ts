// GET /functions/v1/calendar-feed/<token>.ics and …/appointment/<id>.ics (see calendar-feed.ts).
// verify_jwt = false: calendar apps fetch the feed with nothing but its secret address.
import { callerRpc, serviceClient } from '../_shared/clients.ts'
import { portalSettings } from '../_shared/portal-settings.ts'
import { calendarFeed } from './calendar-feed.ts'

const settings = portalSettings(name => Deno.env.get(name))

Deno.serve(req => calendarFeed(req, {
  settings,
  feed: async token => await serviceClient().rpc('calendar_feed', { token }),
  entry: (caller, appointmentId) => callerRpc(caller)('appointment_calendar_entry', { appointment_id: appointmentId }),
}))
