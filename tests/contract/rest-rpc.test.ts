// Functions as RPC: scalar, set-returning, table-returning and void results, overloads chosen by
// argument names, a single unnamed json parameter, GET for read-only calls, filters on results,
// and the errors for unknown functions and writes in read-only calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { rest, restFixture } from '../helpers/fixtures.ts'
import { anonClient, closeDb, db } from '../helpers/personas.ts'

beforeAll(restFixture)
afterAll(async () => {
  await db()`delete from public.contract_items where sku like 'rpc-%'`
  await closeDb()
})

const api = anonClient()

describe('results', () => {
  it('returns a scalar, by POST and by GET', async () => {
    expect((await api.rpc('contract_add', { a: 2, b: 3 })).data).toBe(5)
    expect((await api.rpc('contract_add', { a: 2, b: 3 }, { get: true })).data).toBe(5)
  })

  it('chooses the overload by argument names', async () => {
    expect((await api.rpc('contract_greet', { name: 'Eva' })).data).toBe('Hello, Eva')
    expect((await api.rpc('contract_greet', { name: 'Eva', greeting: 'Moin' })).data).toBe('Moin, Eva')
  })

  it('returns rows of a set-returning function, with select, filters, order and count', async () => {
    const { data, count } = await api.rpc('contract_projects_of', { p_client_id: 1 }, { count: 'exact' }).select('id, title').order('id', { ascending: false })
    expect(data).toEqual([{ id: 2, title: 'Merger' }, { id: 1, title: 'Lease review' }])
    expect(count).toBe(2)
    const filtered = await api.rpc('contract_projects_of', { p_client_id: 1 }).select('id').gt('budget', 2000)
    expect(filtered.data).toEqual([{ id: 2 }])
  })

  it('embeds resources related to the returned table type', async () => {
    const { data } = await api.rpc('contract_projects_of', { p_client_id: 2 }).select('title, contract_clients(name)')
    expect(data).toEqual([{ title: 'Trademark "Acme"', contract_clients: { name: 'Acme, Inc.' } }])
  })

  it('returns one object for a function returning a single row', async () => {
    const { data } = await api.rpc('contract_first_project').select('id, title')
    expect(data).toEqual({ id: 1, title: 'Lease review' })
  })

  it('returns RETURNS TABLE rows and filters them', async () => {
    const { data } = await api.rpc('contract_client_stats').gte('projects', 2)
    expect(data).toEqual([{ client_id: 1, projects: 2 }])
  })

  it('returns an array for SETOF a scalar type, limited on request', async () => {
    const { data } = await api.rpc('contract_all_tags').limit(3)
    expect(data).toEqual(['corporate', 'internal', 'ip'])
  })

  it('answers 204 for a void function', async () => {
    const { data, status, error } = await api.rpc('contract_noop')
    expect([data, status, error]).toEqual([null, 204, null])
  })

  it('hands the whole body to a single unnamed json parameter', async () => {
    const { data } = await api.rpc('contract_echo', [1, { zwei: 2 }] as unknown as Record<string, unknown>)
    expect(data).toEqual([1, { zwei: 2 }])
  })
})

describe('read-only and read-write calls', () => {
  it('runs a volatile function by POST', async () => {
    const code = `rpc-${randomUUID()}`
    const { data, error } = await api.rpc('contract_add_item', { p_sku: code, p_label: 'per RPC' }).select('sku, label')
    expect(error).toBeNull()
    expect(data).toEqual({ sku: code, label: 'per RPC' })
  })

  it('refuses writes in a GET call: 405 with 25006', async () => {
    const { status, error } = await api.rpc('contract_add_item', { p_sku: `rpc-${randomUUID()}` }, { get: true })
    expect(status).toBe(405)
    expect(error).toMatchObject({ code: '25006', message: 'cannot execute INSERT in a read-only transaction' })
  })
})

describe('unknown functions and arguments', () => {
  it('answers 404 PGRST202 with a close name as hint', async () => {
    const { status, error } = await api.rpc('contract_add_itme', { p_sku: 'x' })
    expect(status).toBe(404)
    expect(error).toEqual({
      code: 'PGRST202',
      message: 'Could not find the function public.contract_add_itme(p_sku) in the schema cache',
      details: 'Searched for the function public.contract_add_itme with parameter p_sku or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.',
      hint: 'Perhaps you meant to call the function public.contract_add_item',
    })
  })

  it('suggests the known parameters for wrong argument names', async () => {
    const { error } = await api.rpc('contract_add', { a: 1, c: 2 })
    expect(error).toMatchObject({ code: 'PGRST202', hint: 'Perhaps you meant to call the function public.contract_add(a, b)' })
  })

  it('answers 400 for an argument of the wrong type', async () => {
    const response = await rest('/rpc/contract_add?a=1&b=zwei')
    expect(response.status).toBe(400)
    expect(response.json).toMatchObject({ code: '22P02' })
  })
})
