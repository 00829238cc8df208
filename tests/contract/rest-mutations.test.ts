// Writes through supabase-js: insert (single, bulk, defaults), upsert, update, delete, the statuses
// and headers PostgREST answers with, Supabase's refusal of unfiltered writes, and row level
// security proven from both sides.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rest, restFixture } from '../helpers/fixtures.ts'
import { anonClient, closeDb, createPersona, db, type Persona, serviceClient } from '../helpers/personas.ts'

beforeAll(restFixture)
afterAll(async () => {
  await db()`delete from public.contract_items where batch = ${batch}`
  await closeDb()
})

const api = anonClient()
const batch = randomUUID()
const sku = (label: string) => `${label}-${randomUUID().slice(0, 8)}`
const items = () => api.from('contract_items')

describe('insert', () => {
  it('inserts one row: 201 without a body unless asked for', async () => {
    const code = sku('one')
    const { data, status, error } = await items().insert({ sku: code, batch })
    expect([data, status, error]).toEqual([null, 201, null])
    const stored = await items().select('sku, qty, label').eq('sku', code).single()
    expect(stored.data).toEqual({ sku: code, qty: 1, label: null })
  })

  it('returns the inserted rows with select()', async () => {
    const code = sku('repr')
    const { data, status } = await items().insert({ sku: code, label: 'Akte', batch }).select('sku, label, qty').single()
    expect(status).toBe(201)
    expect(data).toEqual({ sku: code, label: 'Akte', qty: 1 })
  })

  it('inserts several rows with differing keys: missing ones become null, or their default on request', async () => {
    const [first, second] = [sku('bulk'), sku('bulk')]
    const nulls = await items().insert([{ sku: first, qty: 5, batch }, { sku: second, batch }]).select()
    expect(nulls.status).toBe(400)
    expect(nulls.error).toMatchObject({ code: '23502' })
    const defaults = await items().insert([{ sku: first, qty: 5, batch }, { sku: second, batch }], { defaultToNull: false }).select('sku, qty').order('qty')
    expect(defaults.error).toBeNull()
    expect(defaults.data).toEqual([{ sku: second, qty: 1 }, { sku: first, qty: 5 }])
  })

  it('answers 400 PGRST204 for a column the table does not have', async () => {
    const { status, error } = await items().insert({ sku: sku('x'), nope: 1 })
    expect(status).toBe(400)
    expect(error).toMatchObject({ code: 'PGRST204', message: 'Could not find the \'nope\' column of \'contract_items\' in the schema cache' })
  })

  it('answers 201 with a Location header for return=headers-only', async () => {
    const code = sku('loc')
    const response = await rest('/contract_items', { method: 'POST', headers: { 'Content-Type': 'application/json', 'Prefer': 'return=headers-only' }, body: JSON.stringify({ sku: code, batch }) })
    expect(response.status).toBe(201)
    const { data } = await items().select('id').eq('sku', code).single()
    expect(response.headers.get('location')).toBe(`/contract_items?id=eq.${data?.id}`)
    expect(response.headers.get('content-range')).toBe('*/*')
  })

  it('reports the rows written with count=exact', async () => {
    const { count, status } = await items().insert([{ sku: sku('c1'), batch }, { sku: sku('c2'), batch }], { count: 'exact' })
    expect([count, status]).toEqual([2, 201])
  })
})

describe('upsert', () => {
  it('merges duplicates on the conflict column: 200 when nothing new was inserted, 201 otherwise', async () => {
    const code = sku('up')
    await items().insert({ sku: code, label: 'alt', batch })
    const merged = await items().upsert({ sku: code, label: 'neu', batch }, { onConflict: 'sku' }).select('sku, label')
    expect(merged.status).toBe(200)
    expect(merged.data).toEqual([{ sku: code, label: 'neu' }])
    const fresh = sku('up')
    const inserted = await items().upsert([{ sku: code, label: 'wieder', batch }, { sku: fresh, label: 'neu', batch }], { onConflict: 'sku' }).select('sku')
    expect(inserted.status).toBe(201)
    expect(inserted.data).toHaveLength(2)
  })

  it('ignores duplicates on request and returns only new rows', async () => {
    const code = sku('ign')
    await items().insert({ sku: code, label: 'bleibt', batch })
    const fresh = sku('ign')
    const { data } = await items().upsert([{ sku: code, label: 'überschrieben?', batch }, { sku: fresh, label: 'neu', batch }], { onConflict: 'sku', ignoreDuplicates: true }).select('sku, label')
    expect(data).toEqual([{ sku: fresh, label: 'neu' }])
    const kept = await items().select('label').eq('sku', code).single()
    expect(kept.data).toEqual({ label: 'bleibt' })
  })

  it('reports the resolution it applied', async () => {
    const response = await rest('/contract_items?on_conflict=sku', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Prefer': 'resolution=merge-duplicates, return=minimal' },
      body: JSON.stringify({ sku: sku('pref'), batch }),
    })
    expect(response.status).toBe(201)
    expect(response.headers.get('preference-applied')).toBe('resolution=merge-duplicates, return=minimal')
  })
})

describe('update and delete', () => {
  it('updates filtered rows: 204, or 200 with the rows', async () => {
    const code = sku('upd')
    await items().insert({ sku: code, batch })
    const silent = await items().update({ label: 'eins' }).eq('sku', code)
    expect([silent.status, silent.data]).toEqual([204, null])
    const { data, status } = await items().update({ label: 'zwei', qty: 3 }).eq('sku', code).select('label, qty')
    expect(status).toBe(200)
    expect(data).toEqual([{ label: 'zwei', qty: 3 }])
  })

  it('deletes filtered rows and counts them', async () => {
    const tag = randomUUID()
    await items().insert([{ sku: sku('del'), note: tag, batch }, { sku: sku('del'), note: tag, batch }])
    const { count, status } = await items().delete({ count: 'exact' }).eq('note', tag)
    expect([count, status]).toEqual([2, 204])
    const left = await items().select('id').eq('note', tag)
    expect(left.data).toEqual([])
  })

  it('refuses UPDATE and DELETE without a filter as Supabase\'s safeupdate does', async () => {
    const update = await items().update({ label: 'alle' })
    expect(update.status).toBe(400)
    expect(update.error).toMatchObject({ code: '21000', message: 'UPDATE requires a WHERE clause' })
    const remove = await items().delete()
    expect(remove.status).toBe(400)
    expect(remove.error).toMatchObject({ code: '21000', message: 'DELETE requires a WHERE clause' })
  })

  it('rolls the write back when single() does not get exactly one row', async () => {
    const tag = randomUUID()
    await items().insert([{ sku: sku('one'), note: tag, batch }, { sku: sku('one'), note: tag, batch }])
    const { status, error } = await items().update({ label: 'nur eine?' }).eq('note', tag).select().single()
    expect(status).toBe(406)
    expect(error).toMatchObject({ code: 'PGRST116', details: 'The result contains 2 rows' })
    const unchanged = await items().select('label').eq('note', tag)
    expect(unchanged.data).toEqual([{ label: null }, { label: null }])
  })

  it('returns embedded resources of written rows', async () => {
    const code = sku('emb')
    const { data } = await items().insert({ sku: code, client_id: 2, batch }).select('sku, contract_clients(name)').single()
    expect(data).toEqual({ sku: code, contract_clients: { name: 'Acme, Inc.' } })
  })
})

describe('row level security, both ways', () => {
  let alice: Persona
  let bob: Persona

  beforeAll(async () => {
    alice = await createPersona('rest-alice')
    bob = await createPersona('rest-bob')
  })

  afterAll(async () => {
    await db()`delete from public.contract_notes where owner_id in (${alice.id}, ${bob.id})`
  })

  it('lets a user write and read their own rows', async () => {
    const body = `Notiz ${randomUUID()}`
    const created = await alice.client.from('contract_notes').insert({ body }).select('body, owner_id').single()
    expect(created.error).toBeNull()
    expect(created.data).toEqual({ body, owner_id: alice.id })
    const read = await alice.client.from('contract_notes').select('body').eq('body', body)
    expect(read.data).toEqual([{ body }])
  })

  it('hides other users\' rows and leaves them unchanged on update and delete', async () => {
    const body = `Privat ${randomUUID()}`
    await alice.client.from('contract_notes').insert({ body })
    const read = await bob.client.from('contract_notes').select('body').eq('body', body)
    expect(read.data).toEqual([])
    const update = await bob.client.from('contract_notes').update({ body: 'gekapert' }).eq('body', body).select()
    expect(update.data).toEqual([])
    const remove = await bob.client.from('contract_notes').delete().eq('body', body).select()
    expect(remove.data).toEqual([])
    const still = await serviceClient().from('contract_notes').select('body').eq('body', body)
    expect(still.data).toEqual([{ body }])
  })

  it('refuses a row for someone else with 403 for a signed-in user', async () => {
    const { status, error } = await bob.client.from('contract_notes').insert({ body: 'untergeschoben', owner_id: alice.id })
    expect(status).toBe(403)
    expect(error).toMatchObject({ code: '42501', message: 'new row violates row-level security policy for table "contract_notes"' })
  })

  it('refuses anonymous writes with 401 and shows them nothing', async () => {
    const { status, error } = await api.from('contract_notes').insert({ body: 'anonym' })
    expect(status).toBe(401)
    expect(error).toMatchObject({ code: '42501' })
    const read = await api.from('contract_notes').select('id')
    expect(read.data).toEqual([])
  })
})
