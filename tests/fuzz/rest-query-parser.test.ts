// Properties of the REST query parser (devstack/src/rest/query-params.ts, ranges.ts), checked with
// fast-check: it is total — any query string is read or refused with a PostgREST error, never a
// crash —, what it reads back from a well-formed select, filter or `in` list is what was written,
// and row ranges follow PostgREST's interval arithmetic.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RestError } from '../../devstack/src/rest/errors.ts'
import { parseFilter, parseQueryParams, parseSelect, type SelectItem } from '../../devstack/src/rest/query-params.ts'
import { queryRanges, readInteger, sqlRange, topLevelRange } from '../../devstack/src/rest/ranges.ts'

const runs = { numRuns: 300 }

/** Characters the grammar gives meaning to, plus some it does not. */
const grammarChar = fc.constantFrom(...'abc_019.,()!:*"\\->{}[]% \u0000é&=+'.split(''))
const grammarText = fc.array(grammarChar, { maxLength: 40 }).map(chars => chars.join(''))
const key = fc.oneof(fc.constantFrom('select', 'order', 'limit', 'offset', 'or', 'and', 'not.or', 'columns', 'on_conflict', 'a.order', 'a.limit'), grammarText)

function refusedAsPostgrest(run: () => unknown): void {
  try {
    run()
  }
  catch (error) {
    expect(error).toBeInstanceOf(RestError)
    const refusal = error as RestError
    expect([400, 416]).toContain(refusal.status)
    expect(refusal.code).toMatch(/^PGRST1\d\d$/)
    expect(typeof refusal.message).toBe('string')
  }
}

describe('the REST query parser', () => {
  it('reads any query string or refuses it with a PostgREST error', () => {
    fc.assert(fc.property(fc.array(fc.tuple(key, grammarText), { maxLength: 6 }), fc.boolean(), (pairs, isRpcRead) => {
      refusedAsPostgrest(() => parseQueryParams(new URLSearchParams(pairs), isRpcRead))
    }), runs)
  })

  it('reads arbitrary Unicode the same way', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
      refusedAsPostgrest(() => parseSelect(text))
      refusedAsPostgrest(() => parseFilter('id', text))
    }), runs)
  })

  const identifier = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/).filter(name => !['inner', 'left', 'count', 'sum', 'avg', 'max', 'min'].includes(name))
  const castType = fc.constantFrom('text', 'int', 'jsonb', 'numeric')

  const fieldItem = fc.record({ name: identifier, alias: fc.option(identifier, { nil: undefined }), cast: fc.option(castType, { nil: undefined }) })
  const selectTree: fc.Arbitrary<Array<{ name: string, alias?: string, cast?: string, hint?: string, children?: unknown[] }>> = fc.letrec(tie => ({
    items: fc.array(fc.oneof({ depthSize: 'small' }, fieldItem, fc.record({
      name: identifier,
      alias: fc.option(identifier, { nil: undefined }),
      hint: fc.option(identifier, { nil: undefined }),
      children: tie('items'),
    })), { minLength: 1, maxLength: 4 }),
  })).items as never

  type Written = { name: string, alias?: string, cast?: string, hint?: string, children?: Written[] }
  const write = (items: Written[]): string => items.map((item) => {
    const alias = item.alias ? `${item.alias}:` : ''
    if (item.children) return `${alias}${item.name}${item.hint ? `!${item.hint}` : ''}(${write(item.children)})`
    return `${alias}${item.name}${item.cast ? `::${item.cast}` : ''}`
  }).join(',')
  const read = (items: SelectItem[]): Written[] => items.map((item) => {
    if (item.kind === 'field') return { name: item.field.name, ...(item.alias && { alias: item.alias }), ...(item.cast && { cast: item.cast }) }
    if (item.kind === 'relation') return { name: item.name, ...(item.alias && { alias: item.alias }), ...(item.hint && { hint: item.hint }), children: read(item.children) }
    return { name: item.name, children: read(item.children) }
  })
  const normalise = (items: Written[]): Written[] => items.map(item => JSON.parse(JSON.stringify(item.children ? { ...item, children: normalise(item.children) } : item)) as Written)

  it('reads back the select tree that was written', () => {
    fc.assert(fc.property(selectTree, (tree) => {
      expect(read(parseSelect(write(tree as Written[])))).toEqual(normalise(tree as Written[]))
    }), runs)
  })

  const plainValue = fc.string({ maxLength: 20 })
  it('reads back the operator and value of a filter, whatever the value holds', () => {
    const operators = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'match', 'imatch', 'cs', 'cd', 'ov', 'sl', 'sr', 'nxr', 'nxl', 'adj', 'isdistinct']
    fc.assert(fc.property(fc.constantFrom(...operators), plainValue, fc.boolean(), (operator, value, negated) => {
      const { filter } = parseFilter('col', `${negated ? 'not.' : ''}${operator}.${value}`)
      expect(filter.expr.negated).toBe(negated)
      const operation = filter.expr.operation
      expect('value' in operation ? operation.value : undefined).toBe(value)
      expect('operator' in operation ? operation.operator : operation.kind).toBe(operator)
    }), runs)
  })

  it('reads back an in-list written with PostgREST\'s quoting', () => {
    const quoted = (value: string) => (/[,()"\\]/.test(value) || value.trim() !== value || value === '' ? `"${value.replace(/[\\"]/g, '\\$&')}"` : value)
    fc.assert(fc.property(fc.array(plainValue, { minLength: 1, maxLength: 5 }), (values) => {
      const { filter } = parseFilter('col', `in.(${values.map(quoted).join(',')})`)
      expect(filter.expr.operation).toEqual({ kind: 'in', values })
    }), runs)
  })
})

describe('row ranges', () => {
  it('read decimal integers, in parentheses and with spaces, as BigInt does', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.nat(3), fc.nat(2), (value, parens, spaces) => {
      const pad = ' '.repeat(spaces)
      expect(readInteger(`${pad}${'('.repeat(parens)}${value}${')'.repeat(parens)}${pad}`)).toBe(value)
    }), runs)
  })

  it('give the rows PostgREST would, or 416 when that leaves nothing but limit=0', () => {
    fc.assert(fc.property(fc.option(fc.integer({ min: -5, max: 20 }), { nil: undefined }), fc.option(fc.integer({ min: -20, max: 20 }), { nil: undefined }), (limit, offset) => {
      const map = (value: number | undefined) => new Map(value === undefined ? [] : [['', String(value)]])
      const qs = queryRanges(map(limit), map(offset)).get('')
      // The model: [offset, offset + limit - 1] meets [0, ∞); limit=0 (or an upper end of -1) is empty but allowed.
      const lower = BigInt(offset ?? 0)
      const upper = limit === undefined ? null : BigInt(offset ?? 0) + BigInt(limit) - 1n
      const zero = upper === -1n
      const clampedLower = lower < 0n ? 0n : lower
      const empty = !zero && upper !== null && upper < clampedLower
      if (empty) {
        expect(() => topLevelRange('GET', qs, undefined, null)).toThrow(RestError)
        return
      }
      const range = sqlRange(topLevelRange('GET', qs, undefined, null))
      if (zero) expect(range).toEqual({ offset: 0, limit: 0 })
      else if (upper === null && clampedLower === 0n) expect(range).toBeUndefined()
      else expect(range).toEqual({ offset: Number(clampedLower), ...(upper !== null && { limit: Number(upper - clampedLower + 1n) }) })
    }), runs)
  })
})
