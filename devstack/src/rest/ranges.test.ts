import { describe, expect, it } from 'vitest'
import { thrown } from '../../../tests/helpers/thrown.ts'
import { RestError } from './errors.ts'
import { headerRange, queryRanges, readInteger, sqlRange, topLevelRange } from './ranges.ts'

const top = (query: string, method = 'GET', range?: string, maxRows: number | null = null) => {
  const params = new URLSearchParams(query)
  const pick = (name: string) => new Map([...params].filter(([key]) => key === name).map(([, value]) => ['', value]))
  return sqlRange(topLevelRange(method, queryRanges(pick('limit'), pick('offset')).get(''), range, maxRows))
}

describe('PostgREST\'s row ranges', () => {
  it('reads numbers as Haskell\'s readMaybe reads an Integer', () => {
    expect([' 5 ', '(2)', '( -3 )', '0x10', '0o17', '-0'].map(readInteger)).toEqual([5n, 2n, -3n, 16n, 15n, 0n])
    expect(['abc', '', '1.5', '1e3', '+5', '--1', '5abc', '0x'].map(readInteger)).toEqual(Array(8).fill(undefined))
  })

  it('ignores what is no number, and a negative offset at the top', () => {
    expect(top('limit=abc')).toBeUndefined()
    expect(top('offset=-5')).toBeUndefined()
    expect(top('limit=2&offset=3')).toEqual({ offset: 3, limit: 2 })
    expect(top('offset=-5&limit=10')).toEqual({ offset: 0, limit: 5 })
  })

  it('keeps limit=0 possible, also where it leaves nothing (offset=-1&limit=1)', () => {
    expect(top('limit=0')).toEqual({ offset: 0, limit: 0 })
    expect(top('offset=-1&limit=1')).toEqual({ offset: 0, limit: 0 })
  })

  it('answers 416 PGRST103 for an empty range, naming the Range header when it is to blame', () => {
    for (const query of ['limit=-1', 'offset=-5&limit=2', 'limit=abc&offset=3', 'limit=0&offset=3']) {
      const error = thrown(RestError, () => top(query))
      expect([error.status, error.code, error.details], query).toEqual([416, 'PGRST103', 'Limit should be greater than or equal to zero.'])
    }
    expect(thrown(RestError, () => top('', 'GET', '9-2')).details).toBe('The lower boundary must be lower than or equal to the upper boundary in the Range header.')
  })

  it('reads the Range header on GET only, and only in the form N-M or N-', () => {
    expect(top('', 'GET', '0-9')).toEqual({ offset: 0, limit: 10 })
    expect(top('', 'GET', '5-')).toEqual({ offset: 5 })
    expect(top('', 'HEAD', '0-9')).toBeUndefined()
    for (const garbage of ['a-b', 'items=0-9', ' 0-9', '0-9,20-30']) expect(headerRange(garbage)).toEqual({ lower: 0n, upper: null })
    expect(top('limit=5', 'GET', '2-20')).toEqual({ offset: 2, limit: 3 })
  })

  it('caps every range at max_rows and refuses limits on PUT', () => {
    expect(top('', 'GET', undefined, 100)).toEqual({ offset: 0, limit: 100 })
    expect(top('limit=0', 'GET', undefined, 100)).toEqual({ offset: 0, limit: 0 })
    expect(thrown(RestError, () => top('limit=1', 'PUT')).code).toBe('PGRST114')
    expect(top('limit=abc', 'PUT')).toBeUndefined()
  })
})
