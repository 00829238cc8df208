import { describe, expect, it } from 'vitest'
import { parseFilter } from './filters.ts'

describe('postgres_changes filter parser', () => {
  it('reads each operator', () => {
    for (const operator of ['eq', 'neq', 'lt', 'lte', 'gt', 'gte']) {
      expect(parseFilter(`id=${operator}.5`)).toEqual({ ok: true, filters: [{ column: 'id', operator, value: '5' }] })
    }
  })

  it('turns in.(…) into an array literal and keeps commas inside the parentheses', () => {
    expect(parseFilter('id=in.(1,2,3)')).toEqual({ ok: true, filters: [{ column: 'id', operator: 'in', value: '{1,2,3}' }] })
    expect(parseFilter('name=in.("a,b",c)')).toEqual({ ok: true, filters: [{ column: 'name', operator: 'in', value: '{"a,b",c}' }] })
  })

  it('joins several conditions and honours escaped commas', () => {
    expect(parseFilter('area=eq.Oslo\\, Norway,id=gt.3,deleted_at=is.null,owner=not.is.null')).toEqual({
      ok: true,
      filters: [
        { column: 'area', operator: 'eq', value: 'Oslo, Norway' },
        { column: 'id', operator: 'gt', value: '3' },
        { column: 'deleted_at', operator: 'isnull', value: null },
        { column: 'owner', operator: 'notnull', value: null },
      ],
    })
  })

  it('keeps dots after the operator in the value', () => {
    expect(parseFilter('email=eq.a.b@example.com')).toMatchObject({ ok: true, filters: [{ value: 'a.b@example.com' }] })
  })

  it('reports what it cannot read', () => {
    expect(parseFilter('id')).toEqual({ ok: false, error: 'missing \'=\' in filter part: \'id\'' })
    expect(parseFilter('id=like.a%')).toMatchObject({ ok: false, error: expect.stringContaining('unsupported filter type \'like\'') })
    expect(parseFilter('id=in.1,2')).toMatchObject({ ok: false })
    expect(parseFilter('id=eq')).toMatchObject({ ok: false, error: expect.stringContaining('invalid filter format') })
  })

  it('treats no filter as no conditions', () => {
    expect(parseFilter(undefined)).toEqual({ ok: true, filters: [] })
    expect(parseFilter('')).toEqual({ ok: true, filters: [] })
  })
})
