// The client picker's search text goes into an `or=(…)` filter: PostgREST's grammar (the
// devstack's parser) must read back exactly one condition per column with the text as typed,
// whatever characters it holds.
import { describe, expect, it } from 'vitest'
import { parseLogic } from '../../devstack/src/rest/query-params.ts'
import { containsAnyFilter } from '../../nuxt-app/utils/postgrest-filters.ts'

const patternsOf = (text: string) => {
  const { tree } = parseLogic('or', `(${containsAnyFilter(['name', 'reference_number'], text)})`)
  if (tree.kind !== 'expr') throw new Error('expected an or tree')
  return tree.children.map((child) => {
    if (child.kind !== 'filter' || child.filter.expr.operation.kind !== 'quant') throw new Error('expected a plain filter')
    return [child.filter.field.name, child.filter.expr.operation.operator, child.filter.expr.operation.value]
  })
}

describe('containsAnyFilter', () => {
  it.each([
    ['Müller, Schmidt & Partner', 'Müller, Schmidt & Partner'],
    ['Acme (Deutschland)', 'Acme (Deutschland)'],
    ['"Quote" GmbH', '"Quote" GmbH'],
    ['C:\\Pfad', 'C:\\\\Pfad'],
    ['a),id.eq.1', 'a),id.eq.1'],
    ['100%_sicher', '100\\%\\_sicher'],
  ])('keeps %j one literal pattern per column', (typed, inPattern) => {
    expect(patternsOf(typed)).toEqual([
      ['name', 'ilike', `*${inPattern}*`],
      ['reference_number', 'ilike', `*${inPattern}*`],
    ])
  })
})
