// The private calendar feed and the .ics download through the `calendar-feed` edge function, as
// calendar apps and the portal call it: the feed address alone (no apikey, no token) gives
// exactly its owner's appointments as RFC 5545; another person's feed, a revoked or replaced
// address get 404; the single-appointment download needs the caller's own token and follows RLS.
import { randomUUID } from 'node:crypto'
import ICAL from 'ical.js'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { testEnv } from '../helpers/env.ts'
import { closeDb, createPersona, db, type Persona } from '../helpers/personas.ts'
import { addClientMember, call, createClientOrg, createStaff } from '../helpers/portal.ts'

afterAll(closeDb)

const functionUrl = `${testEnv.supabaseUrl}/functions/v1/calendar-feed`

interface World {
  builder: Persona
  carrier: Persona
  outsider: Persona
  groupAppointment: string
  ownAppointment: string
  outsiderAppointment: string
}
let world: World

function parsedEvents(ics: string) {
  return new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map(component => new ICAL.Event(component))
}

/** A new feed address of the person (any earlier one stops working). */
const newFeedPath = async (who: Persona) => (await call<{ path: string }>(who.client, 'create_calendar_feed')).path

beforeAll(async () => {
  const staff = await createStaff('feed-staff')
  const [builderClient, carrierClient, outsiderClient] = await Promise.all(
    ['Feed Bau GmbH', 'Feed Spedition GmbH', 'Feed Erben'].map(name => createClientOrg(`${name} ${randomUUID().slice(0, 6)}`)))
  const [builder, carrier, outsider] = await Promise.all(['feed-builder', 'feed-carrier', 'feed-outsider'].map(label => createPersona(label, { aal: 'aal2' })))
  await addClientMember(builderClient!, builder!.id, 'owner')
  await addClientMember(carrierClient!, carrier!.id, 'owner')
  await addClientMember(outsiderClient!, outsider!.id, 'owner')
  const [group] = await db()<Array<{ id: string }>>`insert into public.client_groups (name) values (${`Feed Gruppe ${randomUUID().slice(0, 6)}`}) returning id`
  await db()`insert into public.client_group_members (group_id, client_id) values (${group!.id}, ${builderClient!}), (${group!.id}, ${carrierClient!})`

  const pageId = randomUUID()
  await call(staff.client, 'save_page', { page_id: pageId, title: 'Baustellentermine', body: 'Hallo', group_ids: [group!.id] })
  const { data: appointments, error } = await staff.client.from('appointments').insert([
    { page_id: pageId, title: 'Begehung Halle 3', starts_at: '2031-03-10T08:00:00Z', ends_at: '2031-03-10T09:30:00Z', location: 'Halle 3' },
    { client_id: carrierClient, title: 'Vertragsbesprechung', starts_at: '2031-03-11T13:00:00Z', ends_at: '2031-03-11T14:00:00Z', video_call: true },
    { client_id: outsiderClient, title: 'Testamentseröffnung', starts_at: '2031-03-12T09:00:00Z', ends_at: '2031-03-12T10:00:00Z' },
  ], { defaultToNull: false }).select('id, title')
  if (error) throw new Error(`appointments: ${error.message}`)
  await call(staff.client, 'set_page_published', { page_id: pageId, published: true })
  const idOf = (title: string) => appointments!.find(row => row.title === title)!.id as string
  world = {
    builder: builder!, carrier: carrier!, outsider: outsider!,
    groupAppointment: idOf('Begehung Halle 3'), ownAppointment: idOf('Vertragsbesprechung'), outsiderAppointment: idOf('Testamentseröffnung'),
  }
})

it('a feed address alone gives exactly its owner\'s appointments, in UTC, until it is replaced or revoked', async () => {
  const path = await newFeedPath(world.carrier)
  expect(path).toMatch(/^\/functions\/v1\/calendar-feed\/[A-Za-z0-9_-]{43}\.ics$/)
  // What a calendar app sends: no apikey, no Authorization.
  const feed = await fetch(`${testEnv.supabaseUrl}${path}`)
  expect(feed.status).toBe(200)
  expect(feed.headers.get('content-type')).toBe('text/calendar; charset=utf-8')
  const events = parsedEvents(await feed.text())
  expect(events.map(event => event.summary).sort()).toEqual(['Begehung Halle 3', 'Vertragsbesprechung'])
  const inspection = events.find(event => event.summary === 'Begehung Halle 3')!
  expect(inspection.startDate.toJSDate().toISOString()).toBe('2031-03-10T08:00:00.000Z')
  expect(inspection.location).toBe('Halle 3')
  expect(events.find(event => event.summary === 'Vertragsbesprechung')!.location).toBe('Videoanruf im Mandantenportal')
  expect(((await call<{ last_used_at: string | null }>(world.carrier.client, 'my_calendar_feed')).last_used_at)).not.toBeNull()

  const outsiderFeed = parsedEvents(await (await fetch(`${testEnv.supabaseUrl}${await newFeedPath(world.outsider)}`)).text())
  expect(outsiderFeed.map(event => event.summary)).toEqual(['Testamentseröffnung'])

  const replacement = await newFeedPath(world.carrier)
  expect((await fetch(`${testEnv.supabaseUrl}${path}`)).status).toBe(404)
  expect((await fetch(`${testEnv.supabaseUrl}${replacement}`)).status).toBe(200)
  expect(await call(world.carrier.client, 'revoke_calendar_feed')).toBe(true)
  const revoked = await fetch(`${testEnv.supabaseUrl}${replacement}`)
  expect(revoked.status).toBe(404)
  expect(await revoked.json()).toMatchObject({ code: 'calendar_feed_not_found' })
})

it('one appointment as a download: the caller\'s own token, RLS decides, nobody else gets it', async () => {
  const download = (who: Persona | null, id: string) => fetch(`${functionUrl}/appointment/${id}.ics`, {
    headers: who ? { Authorization: `Bearer ${who.accessToken}`, apikey: testEnv.anonKey } : { apikey: testEnv.anonKey },
  })
  const own = await download(world.builder, world.groupAppointment)
  expect(own.status).toBe(200)
  expect(own.headers.get('content-disposition')).toBe('attachment; filename="termin.ics"')
  const [event] = parsedEvents(await own.text())
  expect(event!.summary).toBe('Begehung Halle 3')
  expect(event!.endDate.toJSDate().toISOString()).toBe('2031-03-10T09:30:00.000Z')

  const refused = await download(world.outsider, world.groupAppointment)
  expect(refused.status).toBe(404)
  expect(await refused.json()).toMatchObject({ code: 'appointment_not_found' })
  expect((await download(world.builder, world.ownAppointment)).status).toBe(404)
  expect((await download(null, world.groupAppointment)).status).toBe(401)
  const forged = await fetch(`${functionUrl}/appointment/${world.groupAppointment}.ics`, {
    headers: { Authorization: `Bearer ${world.builder.accessToken.slice(0, -4)}AAAA`, apikey: testEnv.anonKey },
  })
  expect(forged.status).toBe(401)
})
