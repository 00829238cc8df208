// postgres_changes: events of tables in the supabase_realtime publication, filtered by event and
// `filter`, shaped as realtime-js hands them out, and RLS applied per subscriber (INSERT/UPDATE
// rows only to those who may select them; DELETE events are not RLS-checked, as on Supabase, and
// carry only the primary key).
import { randomUUID } from 'node:crypto'
import type { RealtimeChannel, RealtimePostgresChangesPayload } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDb, createPersona, db, type Persona } from '../helpers/personas.ts'
import { closeRealtimeClients, Inbox, serializers, uniqueTopic, userRealtimeClient } from '../helpers/realtime.ts'

type Item = { id: number, owner: string, title: string, amount: number, done: boolean, tags: string[], meta: Record<string, unknown>, updated_at: string }
type Change = RealtimePostgresChangesPayload<Item>
interface SystemMessage { extension: string, status: string, message: string, channel: string }

const schema = `ct_pc_${randomUUID().slice(0, 8)}`
let alice: Persona
let bob: Persona
let nextId = Math.floor(Math.random() * 1e8)

beforeAll(async () => {
  ;[alice, bob] = await Promise.all([createPersona('rt-changes-alice'), createPersona('rt-changes-bob')])
  await db().unsafe(`
    create schema ${schema};
    grant usage on schema ${schema} to anon, authenticated;
    create table ${schema}.items (
      id bigint primary key, owner uuid not null, title text, amount int, done boolean default false,
      tags text[] default '{}', meta jsonb default '{}', updated_at timestamptz default now());
    alter table ${schema}.items enable row level security;
    create policy "owners see their items" on ${schema}.items for select to authenticated using (owner = (select auth.uid()));
    grant select on ${schema}.items to authenticated;
    create table ${schema}.unpublished (id bigint primary key, owner uuid);
    grant select on ${schema}.unpublished to authenticated;
    alter publication supabase_realtime add table ${schema}.items;`)
})

afterAll(async () => {
  await closeRealtimeClients()
  await db().unsafe(`drop schema if exists ${schema} cascade`)
  await closeDb()
})

async function insertItem(owner: Persona, fields: Partial<Item> = {}): Promise<number> {
  const id = nextId++
  await db().unsafe(`insert into ${schema}.items (id, owner, title, amount, tags, meta) values ($1, $2, $3, $4, $5, $6)`,
    [id, owner.id, fields.title ?? 'Akte', fields.amount ?? 0, fields.tags ?? [], fields.meta ?? {}] as never[])
  return id
}

/** Subscribes and waits for Realtime's "Subscribed to PostgreSQL" (the subscription is live then). */
async function subscribeToChanges(channel: RealtimeChannel): Promise<Inbox<SystemMessage>> {
  const system = new Inbox<SystemMessage>()
  channel.on('system', {}, system.push)
  await new Promise<void>((resolveJoin, rejectJoin) => channel.subscribe((status, error) => {
    if (status === 'SUBSCRIBED') resolveJoin()
    else if (status !== 'CLOSED') rejectJoin(error ?? new Error(status))
  }))
  await system.next(message => message.extension === 'postgres_changes')
  return system
}

describe.each(serializers)('postgres_changes with serializer %s', (vsn) => {
  const clientOf = (persona: Persona) => userRealtimeClient(vsn, () => persona.accessToken)

  it('delivers inserts, updates and deletes in the shape realtime-js expects', async () => {
    const changes = new Inbox<Change>()
    const channel = (await clientOf(alice)).channel(uniqueTopic('changes'))
      .on('postgres_changes', { event: '*', schema, table: 'items', filter: `owner=eq.${alice.id}` }, changes.push)
    const system = await subscribeToChanges(channel)
    expect(system.items[0]).toEqual({ extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL', channel: channel.subTopic })

    // Realtime re-selects INSERT/UPDATE rows under RLS when it delivers them, so each step waits:
    // a row already deleted by then is (on Supabase too) no longer delivered.
    const id = await insertItem(alice, { title: 'Mietvertrag', amount: 7, tags: ['miete', 'köln'], meta: { pages: 3 } })
    const inserted = await changes.next(change => change.eventType === 'INSERT')
    await db().unsafe(`update ${schema}.items set done = true where id = $1`, [id])
    const updated = await changes.next(change => change.eventType === 'UPDATE')
    await db().unsafe(`delete from ${schema}.items where id = $1`, [id])
    const deleted = await changes.next(change => change.eventType === 'DELETE')
    expect(inserted).toEqual({
      schema, table: 'items', commit_timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), eventType: 'INSERT',
      new: { id, owner: alice.id, title: 'Mietvertrag', amount: 7, done: false, tags: ['miete', 'köln'], meta: { pages: 3 }, updated_at: expect.any(String) },
      old: {}, errors: null,
    })
    expect(updated).toMatchObject({ eventType: 'UPDATE', new: { id, done: true }, old: { id } })
    // Without REPLICA IDENTITY FULL the old record is the primary key only.
    expect(Object.keys(updated.old)).toEqual(['id'])
    expect(deleted).toMatchObject({ eventType: 'DELETE', new: {}, old: { id } })
    expect(changes.items).toHaveLength(3)
  })

  it('applies event and filter operators', async () => {
    const bindings = { all: '', eq: 'eq.3', neq: 'neq.3', lt: 'lt.3', lte: 'lte.3', gt: 'gt.3', gte: 'gte.3', in: 'in.(1,5)' }
    const received = Object.fromEntries(Object.keys(bindings).map(name => [name, new Inbox<Change>()]))
    const inserts = new Inbox<Change>()
    const runId = randomUUID()
    let channel = (await clientOf(alice)).channel(uniqueTopic('filters'))
    for (const [name, operator] of Object.entries(bindings)) {
      const filter = operator ? `amount=${operator},title=eq.${runId}` : `title=eq.${runId}`
      channel = channel.on('postgres_changes', { event: '*', schema, table: 'items', filter }, received[name]!.push)
    }
    channel = channel.on('postgres_changes', { event: 'INSERT', schema, table: 'items', filter: `title=eq.${runId}` }, inserts.push)
    await subscribeToChanges(channel)

    for (const amount of [1, 2, 3, 4, 5]) await insertItem(alice, { title: runId, amount })
    await received.all!.next(change => (change.new as Item).amount === 5)
    const amounts = (name: string) => received[name]!.items.map(change => (change.new as Item).amount)
    expect(Object.fromEntries(Object.keys(bindings).map(name => [name, amounts(name)]))).toEqual({
      all: [1, 2, 3, 4, 5], eq: [3], neq: [1, 2, 4, 5], lt: [1, 2], lte: [1, 2, 3], gt: [4, 5], gte: [3, 4, 5], in: [1, 5],
    })
    expect(inserts.items.map(change => change.eventType)).toEqual(['INSERT', 'INSERT', 'INSERT', 'INSERT', 'INSERT'])
  })

  it('sends each subscriber only the rows RLS lets it select, but every DELETE', async () => {
    const forAlice = new Inbox<Change>()
    const forBob = new Inbox<Change>()
    const runId = randomUUID()
    const watch = async (persona: Persona, inbox: Inbox<Change>) => subscribeToChanges((await clientOf(persona)).channel(uniqueTopic('rls'))
      .on('postgres_changes', { event: '*', schema, table: 'items', filter: `title=eq.${runId}` }, inbox.push))
    await watch(alice, forAlice)
    await watch(bob, forBob)

    const aliceRow = await insertItem(alice, { title: runId })
    const bobRow = await insertItem(bob, { title: runId })
    const aliceSecond = await insertItem(alice, { title: runId })
    await forBob.next(change => change.eventType === 'INSERT')
    await forAlice.next(change => (change.new as Item).id === aliceSecond)
    expect(forAlice.items.map(change => (change.new as Item).id)).toEqual([aliceRow, aliceSecond])
    expect(forBob.items.map(change => (change.new as Item).id)).toEqual([bobRow])

    // Realtime does not RLS-check deletes: bob hears of alice's row, by primary key only.
    await db().unsafe(`delete from ${schema}.items where id = $1`, [aliceRow])
    const deletion = await forBob.next(change => change.eventType === 'DELETE')
    expect(deletion.old).toEqual({ id: aliceRow })
  })

  it('stays silent for tables outside the publication and reports unknown tables', async () => {
    const unpublished = new Inbox<Change>()
    const published = new Inbox<Change>()
    const runId = randomUUID()
    await subscribeToChanges((await clientOf(alice)).channel(uniqueTopic('publication'))
      .on('postgres_changes', { event: '*', schema, table: 'unpublished' }, unpublished.push)
      .on('postgres_changes', { event: '*', schema, table: 'items', filter: `title=eq.${runId}` }, published.push))
    await db().unsafe(`insert into ${schema}.unpublished (id, owner) values ($1, $2)`, [nextId++, alice.id])
    await insertItem(alice, { title: runId })
    await published.next()
    expect(unpublished.items).toEqual([])

    const system = await subscribeToChanges((await clientOf(alice)).channel(uniqueTopic('unknown-table'))
      .on('postgres_changes', { event: '*', schema, table: 'does_not_exist' }, () => {}))
    expect(system.items[0]).toMatchObject({ extension: 'postgres_changes', status: 'error' })
  })
})
