// Reading tables through supabase-js: select lists, JSON paths, casts, order, pagination, counts,
// single rows and CSV — answered as PostgREST v14 answers them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rest, restFixture } from '../helpers/fixtures.ts'
import { anonClient, closeDb } from '../helpers/personas.ts'

beforeAll(restFixture)
afterAll(closeDb)

const api = anonClient()

describe('select lists', () => {
  it('returns columns, aliases and casts', async () => {
    const { data, error } = await api.from('contract_projects').select('id, name:title, budget::text').eq('id', 1).single()
    expect(error).toBeNull()
    expect(data).toEqual({ id: 1, name: 'Lease review', budget: '1500.50' })
  })

  it('follows JSON paths with -> and ->> and names the result after the last key', async () => {
    const { data } = await api.from('contract_projects').select('id, meta->court->>city, priority:meta->priority, first_ref:meta->refs->0').eq('id', 1)
    expect(data).toEqual([{ id: 1, city: 'Hamburg', priority: 1, first_ref: 10 }])
  })

  it('returns every column for *', async () => {
    const { data } = await api.from('contract_clients').select('*').eq('id', 4)
    expect(data).toEqual([{ id: 4, name: 'Quiet Client', country: null }])
  })

  it('selects, filters and orders by a computed field (a function of the row)', async () => {
    const { data } = await api.from('contract_clients').select('id, contract_label').like('contract_label', '*(*').order('contract_label')
    expect(data).toEqual([{ id: 2, contract_label: 'Acme, Inc. (US)' }, { id: 1, contract_label: 'Kanzlei Nord (DE)' }, { id: 3, contract_label: 'Müller & Söhne (AT)' }])
  })

  it('reports a column that does not exist with Postgres\' error', async () => {
    const { error, status } = await api.from('contract_clients').select('id, nope')
    expect(status).toBe(400)
    expect(error).toMatchObject({ code: '42703', message: 'column contract_clients.nope does not exist' })
  })
})

describe('order', () => {
  it('orders by several columns with direction and nulls placement', async () => {
    const { data } = await api.from('contract_projects').select('id').order('budget', { ascending: false, nullsFirst: false }).order('id')
    expect(data?.map(row => row.id)).toEqual([2, 4, 1, 5, 3])
    const nullsFirst = await api.from('contract_projects').select('id').order('starts_on', { ascending: true, nullsFirst: true })
    expect(nullsFirst.data?.map(row => row.id)).toEqual([3, 4, 1, 5, 2])
  })

  it('orders by a JSON path', async () => {
    const { data } = await api.from('contract_projects').select('id').not('meta', 'is', null).order('meta->priority', { ascending: false }).order('id')
    expect(data?.map(row => row.id)).toEqual([3, 2, 5, 1])
  })
})

describe('pagination and counts', () => {
  it('pages with range() (offset/limit) and answers 206 with the total when counted', async () => {
    const { data, count, status } = await api.from('contract_projects').select('id', { count: 'exact' }).order('id').range(1, 2)
    expect(data?.map(row => row.id)).toEqual([2, 3])
    expect(count).toBe(5)
    expect(status).toBe(206)
  })

  it('answers 200 when the page holds every row', async () => {
    const { count, status } = await api.from('contract_projects').select('id', { count: 'exact' })
    expect([count, status]).toEqual([5, 200])
  })

  it('counts with HEAD and no body', async () => {
    const { data, count, status } = await api.from('contract_projects').select('*', { count: 'exact', head: true }).eq('done', true)
    expect([data, count, status]).toEqual([null, 2, 200])
  })

  it('gives planned and estimated counts as numbers', async () => {
    const planned = await api.from('contract_projects').select('id', { count: 'planned' })
    expect(typeof planned.count).toBe('number')
    const estimated = await api.from('contract_projects').select('id', { count: 'estimated' })
    expect(estimated.count).toBe(5)
  })

  it('answers 416 PGRST103 for an offset past the end', async () => {
    const response = await rest('/contract_projects?select=id&offset=10', { headers: { Prefer: 'count=exact' } })
    expect(response.status).toBe(416)
    expect(response.headers.get('content-range')).toBe('*/5')
    expect(response.json).toEqual({ code: 'PGRST103', details: 'An offset of 10 was requested, but there are only 5 rows.', hint: null, message: 'Requested range not satisfiable' })
  })

  it('honours the Range header and reports Content-Range', async () => {
    const response = await rest('/contract_projects?select=id&order=id', { headers: { 'Range-Unit': 'items', 'Range': '1-2' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-range')).toBe('1-2/*')
    expect(response.json).toEqual([{ id: 2 }, { id: 3 }])
  })
})

describe('single rows', () => {
  it('returns one object with single()', async () => {
    const { data } = await api.from('contract_clients').select('name').eq('id', 2).single()
    expect(data).toEqual({ name: 'Acme, Inc.' })
  })

  it('answers 406 PGRST116 when single() finds several rows or none', async () => {
    const many = await api.from('contract_clients').select('id').single()
    expect(many.status).toBe(406)
    expect(many.error).toMatchObject({ code: 'PGRST116', details: 'The result contains 4 rows', message: 'Cannot coerce the result to a single JSON object' })
    const none = await api.from('contract_clients').select('id').eq('id', -1).single()
    expect(none.error).toMatchObject({ code: 'PGRST116', details: 'The result contains 0 rows' })
  })

  it('gives null for no row with maybeSingle()', async () => {
    const { data, error } = await api.from('contract_clients').select('id').eq('id', -1).maybeSingle()
    expect([data, error]).toEqual([null, null])
  })

  it('strips null fields on request', async () => {
    const response = await rest('/contract_clients?select=id,country&id=eq.4', { headers: { Accept: 'application/vnd.pgrst.object+json;nulls=stripped' } })
    expect(response.json).toEqual({ id: 4 })
  })
})

describe('CSV', () => {
  it('answers text/csv with a header row and Postgres\' quoting', async () => {
    const { data, error } = await api.from('contract_clients').select('id,name,country').order('id').limit(2).csv()
    expect(error).toBeNull()
    expect(data).toBe('id,name,country\n1,"Kanzlei Nord",DE\n2,"Acme, Inc.",US')
  })

  it('refuses a media type it cannot produce with 406 PGRST107', async () => {
    const response = await rest('/contract_clients', { headers: { Accept: 'application/xml' } })
    expect(response.status).toBe(406)
    expect(response.json).toMatchObject({ code: 'PGRST107' })
  })
})
