// Broadcast from the database: rows realtime.send() and realtime.broadcast_changes() put into
// realtime.messages reach the channels of their topic in commit order; `private` rows only private
// channels whose readers RLS lets in, the others only public channels.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDb, createPersona, db, type Persona } from '../helpers/personas.ts'
import { closeRealtimeClients, Inbox, realtimeClient, serializers, subscribed, topicPolicies, uniqueTopic, userRealtimeClient, type BroadcastMessage } from '../helpers/realtime.ts'

let policies: Awaited<ReturnType<typeof topicPolicies>>
let reader: Persona
const schema = `ct_rt_${randomUUID().slice(0, 8)}`

beforeAll(async () => {
  policies = await topicPolicies()
  reader = await createPersona('rt-db-reader')
  // A table whose row trigger broadcasts its changes, as the portal's chat tables do.
  await db().unsafe(`
    create schema ${schema};
    create table ${schema}.notes (id bigint primary key, body text not null, topic text not null);
    create function ${schema}.broadcast_note() returns trigger language plpgsql security definer set search_path = '' as $$
    begin
      perform realtime.broadcast_changes(coalesce(new.topic, old.topic), tg_op, tg_op, tg_table_name, tg_table_schema, new, old);
      return null;
    end $$;
    create trigger broadcast_note after insert or update or delete on ${schema}.notes for each row execute function ${schema}.broadcast_note();`)
})

afterAll(async () => {
  await closeRealtimeClients()
  await db().unsafe(`drop schema if exists ${schema} cascade`)
  await policies.drop()
  await closeDb()
})

const send = (topic: string, event: string, payload: Record<string, unknown>, isPrivate: boolean) =>
  db()`select realtime.send(${db().json(payload as never)}, ${event}, ${topic}, ${isPrivate})`

describe.each(serializers)('broadcast from the database with serializer %s', (vsn) => {
  it('delivers realtime.send() in commit order, private rows to private channels only', async () => {
    const topic = policies.topic({ readers: [reader.id] }, 'send')
    const onPrivate = new Inbox<BroadcastMessage>()
    const onPublic = new Inbox<BroadcastMessage>()
    await subscribed((await userRealtimeClient(vsn, () => reader.accessToken)).channel(topic, { config: { private: true } }).on('broadcast', { event: '*' }, onPrivate.push))
    await subscribed(realtimeClient({ vsn }).channel(topic).on('broadcast', { event: '*' }, onPublic.push))

    await send(topic, 'first', { n: 1 }, true)
    await send(topic, 'public', { n: 2 }, false)
    await db().begin(async (sql) => {
      await sql`select realtime.send(${sql.json({ n: 3 })}, 'second', ${topic}, true)`
      await sql`select realtime.send(${sql.json({ n: 4 })}, 'third', ${topic})`
    })
    await send(topic, 'public-last', { n: 5 }, false)

    const third = await onPrivate.next(message => message.event === 'third')
    expect(third).toEqual({ type: 'broadcast', event: 'third', payload: { n: 4, id: expect.any(String) }, meta: { id: third.payload.id } })
    expect(onPrivate.items.map(message => message.event)).toEqual(['first', 'second', 'third'])
    await onPublic.next(message => message.event === 'public-last')
    expect(onPublic.items.map(message => message.payload.n)).toEqual([2, 5])
  })

  it('delivers row changes that broadcast_changes() sends from a trigger', async () => {
    const topic = uniqueTopic('notes')
    const received = new Inbox<BroadcastMessage>()
    await subscribed(realtimeClient({ vsn }).channel(topic).on('broadcast', { event: '*' }, received.push))
    const id = Math.floor(Math.random() * 1e9)
    // broadcast_changes sends private messages: this public channel must not see them …
    await db().unsafe(`insert into ${schema}.notes (id, body, topic) values ($1, 'Termin bestätigt', $2)`, [id, topic])
    // … while the same topic's public sends arrive.
    await send(topic, 'sentinel', {}, false)
    await received.next(message => message.event === 'sentinel')
    expect(received.items.map(message => message.event)).toEqual(['sentinel'])
  })

  it('reaches a private channel with the operation, the record and the old record', async () => {
    const topic = policies.topic({ readers: [reader.id] }, 'notes')
    const received = new Inbox<BroadcastMessage>()
    await subscribed((await userRealtimeClient(vsn, () => reader.accessToken)).channel(topic, { config: { private: true } }).on('broadcast', { event: '*' }, received.push))
    const id = Math.floor(Math.random() * 1e9)
    await db().unsafe(`insert into ${schema}.notes (id, body, topic) values ($1, 'Entwurf', $2)`, [id, topic])
    await db().unsafe(`update ${schema}.notes set body = 'Endfassung' where id = $1`, [id])
    await db().unsafe(`delete from ${schema}.notes where id = $1`, [id])

    const deleted = await received.next(message => message.event === 'DELETE')
    expect(received.items.map(message => message.event)).toEqual(['INSERT', 'UPDATE', 'DELETE'])
    const [inserted, updated] = received.items
    expect(inserted!.payload).toEqual({ id: expect.any(String), operation: 'INSERT', schema, table: 'notes', record: { id, body: 'Entwurf', topic }, old_record: null })
    expect(updated!.payload).toMatchObject({ operation: 'UPDATE', record: { body: 'Endfassung' }, old_record: { body: 'Entwurf' } })
    expect(deleted.payload).toMatchObject({ operation: 'DELETE', record: null, old_record: { id, body: 'Endfassung' } })
  })
})
