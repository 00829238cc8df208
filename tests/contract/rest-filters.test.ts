// Every filter operator postgrest-js can produce, negation, logic trees and PostgREST's quoting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rest, restFixture } from '../helpers/fixtures.ts'
import { anonClient, closeDb } from '../helpers/personas.ts'

beforeAll(restFixture)
afterAll(closeDb)

const api = anonClient()
const projects = () => api.from('contract_projects').select('id').order('id')
const ids = (result: { data: Array<{ id: number }> | null, error: unknown }) => {
  expect(result.error).toBeNull()
  return result.data?.map(row => row.id)
}

describe('comparison operators', () => {
  it('eq, neq, gt, gte, lt, lte', async () => {
    expect(ids(await projects().eq('client_id', 1))).toEqual([1, 2])
    expect(ids(await projects().neq('client_id', 1))).toEqual([3, 4])
    expect(ids(await projects().gt('budget', 1500.5))).toEqual([2, 4])
    expect(ids(await projects().gte('budget', 1500.5))).toEqual([1, 2, 4])
    expect(ids(await projects().lt('starts_on', '2026-01-15'))).toEqual([4])
    expect(ids(await projects().lte('starts_on', '2026-01-15'))).toEqual([1, 4])
  })

  it('like and ilike with * as wildcard, also with any/all', async () => {
    expect(ids(await projects().like('title', '*review'))).toEqual([1])
    expect(ids(await projects().ilike('title', 'MERGER'))).toEqual([2])
    expect(ids(await projects().likeAllOf('title', ['*e*', '*a*']))).toEqual([1, 3, 4, 5])
    expect(ids(await projects().ilikeAnyOf('title', ['*merger*', '*ESTATE*']))).toEqual([2, 4])
  })

  it('match and imatch (regular expressions)', async () => {
    expect(ids(await projects().filter('title', 'match', '^M'))).toEqual([2])
    expect(ids(await projects().filter('title', 'imatch', '^(m|e)'))).toEqual([2, 4])
  })

  it('is null / true / false / not_null and isdistinct', async () => {
    expect(ids(await projects().is('done', null))).toEqual([3])
    expect(ids(await projects().is('done', true))).toEqual([2, 5])
    expect(ids(await projects().is('done', false))).toEqual([1, 4])
    expect(ids(await projects().filter('client_id', 'is', 'not_null'))).toEqual([1, 2, 3, 4])
    expect(ids(await projects().filter('done', 'isdistinct', 'true'))).toEqual([1, 3, 4])
  })

  it('in, with values that need quoting', async () => {
    expect(ids(await projects().in('id', [5, 1, 3]))).toEqual([1, 3, 5])
    const { data } = await api.from('contract_clients').select('id').in('name', ['Acme, Inc.', 'Müller & Söhne', 'Kanzlei Nord']).order('id')
    expect(data?.map(row => row.id)).toEqual([1, 2, 3])
    expect(ids(await projects().eq('title', 'Trademark "Acme"'))).toEqual([3])
  })

  it('eq(any) and gt(all) quantifiers over a list', async () => {
    expect(ids(await projects().filter('id', 'eq(any)', '{2,4}'))).toEqual([2, 4])
    expect(ids(await projects().filter('id', 'gt(all)', '{1,3}'))).toEqual([4, 5])
  })
})

describe('arrays, ranges and JSON', () => {
  it('contains, containedBy, overlaps on arrays', async () => {
    expect(ids(await projects().contains('tags', ['urgent']))).toEqual([1, 3])
    expect(ids(await projects().containedBy('tags', ['lease', 'urgent', 'ip']))).toEqual([1, 3, 4])
    expect(ids(await projects().overlaps('tags', ['ip', 'internal']))).toEqual([3, 5])
  })

  it('contains on jsonb', async () => {
    expect(ids(await projects().contains('meta', { court: { city: 'Berlin' } }))).toEqual([2])
  })

  it('range operators sl, sr, nxl, nxr, adj, ov', async () => {
    expect(ids(await projects().rangeLt('period', '[20,30)'))).toEqual([1, 2, 5])
    expect(ids(await projects().rangeGt('period', '[1,5)'))).toEqual([2, 3, 5])
    expect(ids(await projects().rangeGte('period', '[5,6)'))).toEqual([2, 3, 5])
    expect(ids(await projects().rangeLte('period', '[1,15)'))).toEqual([1])
    expect(ids(await projects().rangeAdjacent('period', '[10,15)'))).toEqual([1, 5])
    expect(ids(await projects().overlaps('period', '[8,16)'))).toEqual([1, 2, 5])
  })

  it('filters on JSON paths', async () => {
    expect(ids(await projects().eq('meta->>priority', '2'))).toEqual([2, 5])
    expect(ids(await projects().eq('meta->court->>city', 'Hamburg'))).toEqual([1])
  })
})

describe('full text search', () => {
  it('fts, plfts, phfts, wfts with a configuration', async () => {
    expect(ids(await projects().textSearch('title', 'review', { config: 'english' }))).toEqual([1])
    expect(ids(await projects().textSearch('title', 'estate planning', { config: 'english', type: 'plain' }))).toEqual([4])
    expect(ids(await projects().textSearch('title', 'lease review', { config: 'english', type: 'phrase' }))).toEqual([1])
    expect(ids(await projects().textSearch('title', 'merger or estate', { config: 'english', type: 'websearch' }))).toEqual([2, 4])
  })
})

describe('negation and logic trees', () => {
  it('not() negates any operator', async () => {
    expect(ids(await projects().not('done', 'is', true))).toEqual([1, 3, 4])
    expect(ids(await projects().not('id', 'in', '(1,2,3)'))).toEqual([4, 5])
  })

  it('or() with nested and(), quoted values and negation inside', async () => {
    expect(ids(await projects().or('id.eq.1,and(done.is.true,budget.gt.100)'))).toEqual([1, 2])
    expect(ids(await projects().or('title.eq."Trademark \\"Acme\\"",id.eq.5'))).toEqual([3, 5])
    expect(ids(await projects().or('not.and(client_id.eq.1,done.is.true),id.eq.2').lt('id', 4))).toEqual([1, 2, 3])
    const { data } = await api.from('contract_clients').select('id').or('name.eq."Acme, Inc.",id.eq.4').order('id')
    expect(data?.map(row => row.id)).toEqual([2, 4])
  })

  it('not.or=(…) negates a whole tree', async () => {
    const response = await rest('/contract_projects?select=id&not.or=(id.eq.1,id.eq.2)&order=id')
    expect(response.json).toEqual([{ id: 3 }, { id: 4 }, { id: 5 }])
  })

  it('match() combines equality filters', async () => {
    expect(ids(await projects().match({ client_id: 1, done: true }))).toEqual([2])
  })
})

describe('malformed filters', () => {
  it('answers 400 PGRST100 with PostgREST\'s message', async () => {
    const { status, error } = await projects().filter('id', 'nope', '1')
    expect(status).toBe(400)
    expect(error).toMatchObject({ code: 'PGRST100', message: '"failed to parse filter (nope.1)" (line 1, column 1)' })
  })

  it('answers 400 22P02 when a value does not fit the column', async () => {
    const { status, error } = await projects().eq('id', 'abc')
    expect(status).toBe(400)
    expect(error).toMatchObject({ code: '22P02', message: 'invalid input syntax for type bigint: "abc"' })
  })

  it('treats SQL in a value as a plain value', async () => {
    expect(ids(await projects().eq('title', '\'; delete from contract_projects; --'))).toEqual([])
    expect((await api.from('contract_projects').select('id', { count: 'exact', head: true })).count).toBe(5)
  })
})
