import assert from 'node:assert/strict'
import ICAL from 'ical.js'
import type { PortalSettings } from '../_shared/portal-settings.ts'
import type { CalendarEvent } from './calendar.ts'
import { calendarFeed, type CalendarFeedDeps } from './calendar-feed.ts'

const settings: PortalSettings = { siteUrl: 'https://portal.kanzlei.example', firmName: 'Kanzlei Weber & Partner', timeZone: 'Europe/Berlin' }
const token = 'A'.repeat(40) + '-_b'
const base = 'http://functions.local/calendar-feed'

const onSite: CalendarEvent = {
  id: '6f1f2a0e-3c1b-4c55-9a3e-0d2f7b1a9c01', title: 'Baubesprechung Halle 3', description: 'Bitte Pläne mitbringen; danke.',
  starts_at: '2027-03-10T08:00:00Z', ends_at: '2027-03-10T09:30:00Z', time_zone: 'Europe/Berlin',
  location: 'Kanzlei, Raum 2', video_call: false, page_slug: 'bau-und-logistik-1a2b3c4d', updated_at: '2027-03-01T10:00:00Z', confirmed: true,
}
const byVideo: CalendarEvent = {
  ...onSite, id: '6f1f2a0e-3c1b-4c55-9a3e-0d2f7b1a9c02', title: 'Rückfragen', description: null, location: 'ignored',
  video_call: true, page_slug: null, confirmed: false, starts_at: '2027-07-01T12:00:00Z', ends_at: '2027-07-01T12:30:00Z',
}

function deps(overrides: Partial<CalendarFeedDeps> = {}): CalendarFeedDeps & { calls: string[] } {
  const calls: string[] = []
  return {
    calls,
    settings,
    now: () => new Date('2027-03-05T12:00:00Z'),
    feed: async (given) => {
      calls.push(`feed ${given}`)
      return { data: given === token ? { user_id: 'u', events: [onSite, byVideo] } : null, error: null }
    },
    entry: async (req, id) => {
      calls.push(`entry ${id} ${req.headers.get('authorization')}`)
      return { data: { user_id: 'u', events: [onSite] }, error: null }
    },
    ...overrides,
  }
}

function events(ics: string) {
  return new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map(component => new ICAL.Event(component))
}

Deno.test('calendar-feed: a valid token gets its owner\'s appointments as RFC 5545, in UTC', async () => {
  const response = await calendarFeed(new Request(`${base}/${token}.ics`), deps())
  assert.equal(response.status, 200)
  assert.equal(response.headers.get('content-type'), 'text/calendar; charset=utf-8')
  assert.equal(response.headers.get('cache-control'), 'private, no-store')
  const ics = await response.text()
  const [first, second] = events(ics)
  assert.equal(first!.uid, `${onSite.id}@portal.kanzlei.example`)
  assert.equal(first!.summary, 'Baubesprechung Halle 3')
  assert.equal(first!.startDate.toJSDate().toISOString(), '2027-03-10T08:00:00.000Z')
  assert.equal(first!.endDate.toJSDate().toISOString(), '2027-03-10T09:30:00.000Z')
  assert.equal(first!.location, 'Kanzlei, Raum 2')
  assert.match(first!.description, /Bitte Pläne mitbringen; danke\./)
  assert.match(first!.description, /10\.03\.2027, 09:00 \(Europe\/Berlin\)/)
  assert.equal(first!.component.getFirstPropertyValue('url'), 'https://portal.kanzlei.example/seiten/bau-und-logistik-1a2b3c4d')
  assert.equal(first!.component.getFirstPropertyValue('status'), 'CONFIRMED')
  assert.equal(second!.location, 'Videoanruf im Mandantenportal')
  assert.equal(second!.component.getFirstPropertyValue('status'), 'TENTATIVE')
  assert.match(second!.description, /01\.07\.2027, 14:00 \(Europe\/Berlin\)/, 'summer time in the appointment\'s own zone')
  assert.equal(second!.component.getFirstPropertyValue('url'), 'https://portal.kanzlei.example/termine')
})

Deno.test('calendar-feed: unknown, revoked and malformed tokens all get the same 404', async () => {
  const d = deps()
  for (const path of [`${'B'.repeat(43)}.ics`, `${token.slice(1)}.ics`, '', `${token}.ics/extra`, `appointment/${token}.ics`]) {
    const response = await calendarFeed(new Request(`${base}/${path}`), d)
    assert.equal(response.status, 404, path)
    assert.equal((await response.json()).code.endsWith('_not_found'), true, path)
  }
  assert.deepEqual(d.calls, [`feed ${'B'.repeat(43)}`], 'only a well-formed token reaches the database')
})

Deno.test('calendar-feed: the single-appointment download runs as the caller and needs a token', async () => {
  const d = deps()
  const anonymous = await calendarFeed(new Request(`${base}/appointment/${onSite.id}.ics`), d)
  assert.equal(anonymous.status, 401)
  const signedIn = await calendarFeed(new Request(`${base}/appointment/${onSite.id}.ics`, { headers: { Authorization: 'Bearer user-jwt' } }), d)
  assert.equal(signedIn.status, 200)
  assert.equal(signedIn.headers.get('content-disposition'), 'attachment; filename="termin.ics"')
  assert.equal(events(await signedIn.text()).length, 1)
  assert.deepEqual(d.calls, [`entry ${onSite.id} Bearer user-jwt`])

  const refused = await calendarFeed(new Request(`${base}/appointment/${onSite.id}.ics`, { headers: { Authorization: 'Bearer other' } }), deps({
    entry: async () => ({ data: null, error: { code: 'P0001', message: 'appointment_not_found' } }),
  }))
  assert.equal(refused.status, 404)
  assert.equal((await refused.json()).code, 'appointment_not_found')
  const expired = await calendarFeed(new Request(`${base}/appointment/${onSite.id}.ics`, { headers: { Authorization: 'Bearer old' } }), deps({
    entry: async () => ({ data: null, error: { code: 'PGRST303', message: 'JWT expired' } }),
  }))
  assert.equal(expired.status, 401)
  const anonKeyOnly = await calendarFeed(new Request(`${base}/appointment/${onSite.id}.ics`, { headers: { Authorization: 'Bearer anon-key' } }), deps({
    entry: async () => ({ data: null, error: { code: '42501', message: 'permission denied for function appointment_calendar_entry' } }),
  }))
  assert.equal(anonKeyOnly.status, 401)
})

Deno.test('calendar-feed: HEAD answers the headers only; other methods are refused', async () => {
  const head = await calendarFeed(new Request(`${base}/${token}.ics`, { method: 'HEAD' }), deps())
  assert.equal(head.status, 200)
  assert.equal(await head.text(), '')
  const post = await calendarFeed(new Request(`${base}/${token}.ics`, { method: 'POST' }), deps())
  assert.equal(post.status, 405)
})
