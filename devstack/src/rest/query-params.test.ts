import { describe, expect, it } from 'vitest'
import { thrown } from '../../../tests/helpers/thrown.ts'
import { RestError } from './errors.ts'
import { hasOperator, parseFilter, parseLogic, parseOrder, parseQueryParams, parseSelect } from './query-params.ts'

describe('select', () => {
  it('reads columns, aliases, casts, JSON paths and aggregates', () => {
    expect(parseSelect('id,full:name,price::text,data->a->>b,total:amount.sum()::int,count()')).toEqual([
      { kind: 'field', field: { name: 'id', jsonPath: [] } },
      { kind: 'field', field: { name: 'name', jsonPath: [] }, alias: 'full' },
      { kind: 'field', field: { name: 'price', jsonPath: [] }, cast: 'text' },
      { kind: 'field', field: { name: 'data', jsonPath: [{ arrow: '->', key: 'a', isIndex: false }, { arrow: '->>', key: 'b', isIndex: false }] } },
      { kind: 'field', field: { name: 'amount', jsonPath: [] }, alias: 'total', aggregate: 'sum', aggregateCast: 'int' },
      { kind: 'field', field: { name: '*', jsonPath: [] }, aggregate: 'count' },
    ])
  })

  it('reads embeddings with alias, hint, join type and spreads', () => {
    expect(parseSelect('*,owner:users!owner_id!inner(name),...clients!left(id),tags(count)')).toEqual([
      { kind: 'field', field: { name: '*', jsonPath: [] } },
      { kind: 'relation', name: 'users', alias: 'owner', hint: 'owner_id', joinType: 'inner', children: [{ kind: 'field', field: { name: 'name', jsonPath: [] } }] },
      { kind: 'spread', name: 'clients', joinType: 'left', children: [{ kind: 'field', field: { name: 'id', jsonPath: [] } }] },
      { kind: 'relation', name: 'tags', children: [{ kind: 'field', field: { name: 'count', jsonPath: [] } }] },
    ])
  })

  it('takes quoted names, dashes, spaces and array indexes as PostgREST does', () => {
    expect(parseSelect('"a,b":"weird \\"col",first-name,data->0, spaced out ')).toEqual([
      { kind: 'field', field: { name: 'weird "col', jsonPath: [] }, alias: 'a,b' },
      { kind: 'field', field: { name: 'first-name', jsonPath: [] } },
      { kind: 'field', field: { name: 'data', jsonPath: [{ arrow: '->', key: '0', isIndex: true }] } },
      { kind: 'field', field: { name: 'spaced out', jsonPath: [] } },
    ])
  })

  it('answers PGRST100 with the position of the problem', () => {
    const error = thrown(RestError, () => parseSelect('id,name!hint'))
    expect(error.code).toBe('PGRST100')
    expect(error.status).toBe(400)
    expect(error.message).toBe('"failed to parse select parameter (id,name!hint)" (line 1, column 8)')
  })

  it('refuses SQL smuggled into names and casts, or drops what follows a closed select as PostgREST does', () => {
    for (const select of ['id;drop table x', 'id::int,--', 'a(b(c(', '(', 'id::text;select']) {
      expect(() => parseSelect(select), select).toThrow(RestError)
    }
    expect(parseSelect('id::text) or (1=1')).toEqual([{ kind: 'field', field: { name: 'id', jsonPath: [] }, cast: 'text' }])
    expect(parseSelect('x(*));--')).toEqual([{ kind: 'relation', name: 'x', children: [{ kind: 'field', field: { name: '*', jsonPath: [] } }] }])
  })

  it('bounds the nesting depth instead of overflowing the stack', () => {
    expect(() => parseSelect(`${'a('.repeat(5000)}*${')'.repeat(5000)}`)).toThrow(RestError)
    expect(parseSelect(Array.from({ length: 20_000 }, (_, i) => `c${i}`).join(','))).toHaveLength(20_000)
  })
})

describe('filters', () => {
  it('reads every operator form', () => {
    const op = (value: string) => parseFilter('col', value).filter.expr
    expect(op('eq.1')).toEqual({ negated: false, operation: { kind: 'quant', operator: 'eq', value: '1' } })
    expect(op('not.like(all).{a*,*b}')).toEqual({ negated: true, operation: { kind: 'quant', operator: 'like', quantifier: 'all', value: '{a*,*b}' } })
    expect(op('in.(1,"a,b",",\\"c")')).toEqual({ negated: false, operation: { kind: 'in', values: ['1', 'a,b', ',"c'] } })
    expect(op('is.NOT_NULL')).toEqual({ negated: false, operation: { kind: 'is', value: 'not_null' } })
    expect(op('isdistinct.x')).toEqual({ negated: false, operation: { kind: 'isdistinct', value: 'x' } })
    expect(op('wfts(german).die katze')).toEqual({ negated: false, operation: { kind: 'fts', operator: 'wfts', language: 'german', value: 'die katze' } })
    expect(op('adj.[1,2)')).toEqual({ negated: false, operation: { kind: 'simple', operator: 'adj', value: '[1,2)' } })
    expect(op('eq.a.b.c')).toEqual({ negated: false, operation: { kind: 'quant', operator: 'eq', value: 'a.b.c' } })
  })

  it('splits embedding paths and JSON paths in keys', () => {
    expect(parseFilter('clients.data->>city', 'eq.x')).toMatchObject({ path: ['clients'], filter: { field: { name: 'data', jsonPath: [{ arrow: '->>', key: 'city' }] } } })
  })

  it('refuses unknown operators and bad is values', () => {
    expect(thrown(RestError, () => parseFilter('col', 'nope.1')).details).toMatch(/operator/)
    expect(thrown(RestError, () => parseFilter('col', 'is.maybe')).code).toBe('PGRST100')
    expect(thrown(RestError, () => parseFilter('col', 'eq(some).{1}')).code).toBe('PGRST100')
    expect(hasOperator('plain value')).toBe(false)
    expect(hasOperator('gte.5')).toBe(true)
  })

  it('reads nested logic trees with negation and quoted values', () => {
    const { path, tree } = parseLogic('clients.not.or', '(a.eq.1,and(b.in.(1,2),c.eq."x,)y"),not.and(d.is.null,e.cs.{1,2}))')
    expect(path).toEqual(['clients'])
    expect(tree).toMatchObject({
      kind: 'expr', negated: true, operator: 'or',
      children: [
        { kind: 'filter', filter: { field: { name: 'a' } } },
        { kind: 'expr', operator: 'and', children: [{ kind: 'filter' }, { kind: 'filter', filter: { expr: { operation: { value: 'x,)y' } } } }] },
        { kind: 'expr', negated: true, operator: 'and', children: [{ kind: 'filter' }, { kind: 'filter', filter: { expr: { operation: { value: '{1,2}' } } } }] },
      ],
    })
  })

  it('refuses malformed logic trees', () => {
    for (const value of ['(a.eq.1', '()', '(a.eq.1,xor(b.eq.2))', `${'(or'.repeat(100)}`]) {
      expect(() => parseLogic('or', value), value).toThrow(RestError)
    }
  })
})

describe('order', () => {
  it('reads directions, nulls and related terms', () => {
    expect(parseOrder('a.desc.nullslast,data->x,clients(name).asc')).toEqual([
      { field: { name: 'a', jsonPath: [] }, direction: 'desc', nulls: 'last' },
      { field: { name: 'data', jsonPath: [{ arrow: '->', key: 'x', isIndex: false }] } },
      { relation: 'clients', field: { name: 'name', jsonPath: [] }, direction: 'asc' },
    ])
  })

  it('refuses anything after a term', () => {
    for (const value of ['id.sideways', 'id;delete', 'id.desc desc', 'id.asc.nulls']) expect(() => parseOrder(value), value).toThrow(RestError)
  })
})

describe('the whole query string', () => {
  it('sorts parameters into select, filters, logic, order and ranges', () => {
    const query = parseQueryParams(new URLSearchParams('select=id,c(x)&id=gt.1&c.x=eq.2&or=(id.eq.1)&c.order=x&limit=5&offset=10&c.limit=1&columns="a",b&on_conflict=a'), false)
    expect(query.filters.map(entry => entry.path)).toEqual([[], ['c']])
    expect(query.logic).toHaveLength(1)
    expect(query.order[0]!.path).toEqual(['c'])
    expect(query.ranges.get('')).toEqual({ lower: 10n, upper: 14n })
    expect(query.ranges.get('c')).toEqual({ lower: 0n, upper: 0n })
    expect(query.columns).toEqual(['a', 'b'])
    expect(query.onConflict).toEqual(['a'])
  })

  it('turns operator-less parameters into function arguments on GET /rpc', () => {
    const query = parseQueryParams(new URLSearchParams('a=1&b=x y&id=eq.3'), true)
    expect(query.rpcArgs).toEqual([['a', '1'], ['b', 'x y']])
    expect(query.filters).toHaveLength(1)
    expect(() => parseQueryParams(new URLSearchParams('a=1'), false)).toThrow(RestError)
  })
})
