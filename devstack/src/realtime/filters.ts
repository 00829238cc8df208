// The postgres_changes `filter` grammar of Realtime's RealtimeFilterParser: conditions joined by
// commas (all must hold), `column=op.value`, a comma inside parentheses or escaped as `\,` belongs
// to the value, `is.null` / `not.is.null` test for NULL, and `in.(a,b)` becomes a Postgres array
// literal `{a,b}` cast to the column's type. Evaluation happens in Postgres (postgres-changes.ts).

export const filterOperators = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in', 'isnull', 'notnull'] as const
export type FilterOperator = typeof filterOperators[number]

export interface Filter {
  column: string
  operator: FilterOperator
  /** The comparison value as text (`{…}` array literal for `in`), null for the NULL tests. */
  value: string | null
}

export type FilterParse = { ok: true, filters: Filter[] } | { ok: false, error: string }

export const sqlOperators: Record<FilterOperator, string> = {
  eq: '=', neq: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=', in: '= any', isnull: 'is null', notnull: 'is not null',
}

function splitParts(filter: string): string[] {
  const parts: string[] = []
  let current = ''
  let depth = 0
  let escaped = false
  for (const char of filter) {
    if (char === ',' && depth === 0 && !escaped) {
      parts.push(current)
      current = ''
      continue
    }
    escaped = char === '\\'
    if (char === '(') depth++
    if (char === ')') depth = Math.max(depth - 1, 0)
    current += char
  }
  parts.push(current)
  return parts.map(part => part.trim()).filter(part => part !== '').map(part => part.replaceAll('\\,', ','))
}

function parseOperatorAndValue(rest: string): { operator: string, value: string | null } | null {
  const text = rest.trim()
  if (text === 'is.null') return { operator: 'isnull', value: null }
  if (text === 'not.is.null') return { operator: 'notnull', value: null }
  const dot = text.indexOf('.')
  if (dot <= 0) return null
  return { operator: text.slice(0, dot), value: text.slice(dot + 1) }
}

export function parseFilter(filter: string | null | undefined): FilterParse {
  if (!filter) return { ok: true, filters: [] }
  const filters: Filter[] = []
  for (const part of splitParts(filter)) {
    const equals = part.indexOf('=')
    if (equals < 0) return { ok: false, error: `missing '=' in filter part: '${part}'` }
    const column = part.slice(0, equals).trim()
    const parsed = parseOperatorAndValue(part.slice(equals + 1))
    if (!parsed) return { ok: false, error: `failed to parse filter '${part}': invalid filter format, expected 'is.null', 'not.is.null', or '<op>.<value>'` }
    const operator = filterOperators.find(known => known === parsed.operator)
    if (!operator) {
      return { ok: false, error: `unsupported filter type '${parsed.operator}' for part: '${part}'. supported: [${filterOperators.map(op => `"${op}"`).join(', ')}]` }
    }
    let value = parsed.value
    if (operator === 'in') {
      const list = /^\((.*)\)$/s.exec(value ?? '')
      if (!list) return { ok: false, error: `failed to parse filter '${part}': \`in\` filter value must be wrapped by parentheses` }
      value = `{${list[1]}}`
    }
    filters.push({ column, operator, value })
  }
  return { ok: true, filters }
}
