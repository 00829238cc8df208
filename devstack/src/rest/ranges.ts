// PostgREST v14's row ranges (RangeQuery.hs, QueryParams.hs, ApiRequest.getRanges): `limit` and
// `offset` per embedding level and the `Range` header, as integer intervals [lower, upper] with an
// open upper end. The values are read as Haskell's `readMaybe :: Integer` reads them, so `abc` is
// no limit at all, `0x10` is 16 and `-5` is negative; a negative offset at the top is clamped by
// the header range, in an embedding it reaches Postgres (and fails there, as on PostgREST).
import { RestError } from './errors.ts'

/** [lower, upper]; `upper` null is +∞. Empty when upper < lower. */
export interface RowRange { lower: bigint, upper: bigint | null }

export const allRange: RowRange = { lower: 0n, upper: null }
/** limit=0: the one empty range PostgREST lets through (0 <= x <= -1). */
const limitZeroRange: RowRange = { lower: 0n, upper: -1n }

const isEmpty = (range: RowRange) => range.upper !== null && range.upper < range.lower
const isAll = (range: RowRange) => range.lower === 0n && range.upper === null
const hasLimitZero = (range: RowRange) => range.upper === -1n

function intersect(a: RowRange, b: RowRange): RowRange {
  if (isEmpty(a) || isEmpty(b)) return { lower: 1n, upper: 0n }
  const upper = a.upper === null ? b.upper : b.upper === null ? a.upper : (a.upper < b.upper ? a.upper : b.upper)
  return { lower: a.lower > b.lower ? a.lower : b.lower, upper }
}

/** restrictRange: at most `limit` rows from the range's start. */
function restrict(limit: bigint | undefined, range: RowRange): RowRange {
  return limit === undefined ? range : intersect(range, { lower: -(2n ** 64n), upper: range.lower + limit - 1n })
}

const rangeLimit = (range: RowRange) => (range.upper === null ? undefined : 1n + range.upper - range.lower)

/**
 * Haskell's `readMaybe` for Integer: optional surrounding whitespace and parentheses, a minus sign,
 * decimal digits or a 0x/0o literal; anything else is no number.
 */
export function readInteger(text: string): bigint | undefined {
  let rest = text.trim()
  let depth = 0
  while (rest.startsWith('(') && rest.endsWith(')')) {
    rest = rest.slice(1, -1).trim()
    depth++
  }
  if (depth > 64) return undefined
  const negative = rest.startsWith('-')
  if (negative) rest = rest.slice(1).trimStart()
  let value: bigint
  if (/^[0-9]+$/.test(rest)) value = BigInt(rest)
  else if (/^0[xX][0-9a-fA-F]+$/.test(rest)) value = BigInt(`0x${rest.slice(2)}`)
  else if (/^0[oO][0-7]+$/.test(rest)) value = BigInt(`0o${rest.slice(2)}`)
  else return undefined
  return negative ? -value : value
}

/** The ranges of the query string: per embedding path (`''` for the top), limit and offset combined. */
export function queryRanges(limits: Map<string, string>, offsets: Map<string, string>): Map<string, RowRange> {
  const ranges = new Map<string, RowRange>()
  for (const key of new Set([...limits.keys(), ...offsets.keys()])) {
    const limit = limits.has(key) ? restrict(readInteger(limits.get(key)!), allRange) : undefined
    const offsetValue = offsets.has(key) ? readInteger(offsets.get(key)!) : undefined
    const offset = offsets.has(key) ? (offsetValue === undefined ? allRange : { lower: offsetValue, upper: null }) : undefined
    if (limit && offset) {
      const rows = rangeLimit(limit) ?? 0n
      ranges.set(key, { lower: offset.lower, upper: offset.lower + rows - 1n })
    }
    else {
      ranges.set(key, (limit ?? offset)!)
    }
  }
  return ranges
}

/** rangeParse: `Range: 0-9` or `10-`; anything else is no range at all. */
export function headerRange(value: string | undefined): RowRange {
  const match = value === undefined ? null : /^([0-9]+)-([0-9]*)$/.exec(value)
  if (!match) return allRange
  return intersect({ lower: BigInt(match[1]!), upper: null }, match[2] ? { lower: -(2n ** 64n), upper: BigInt(match[2]) } : allRange)
}

/**
 * The top level's range (getRanges): the Range header (GET only) meets `limit`/`offset`, limit=0
 * stays possible, an empty range is 416 PGRST103, and `max_rows` caps it (treeRestrictRange).
 */
export function topLevelRange(method: string, queryRange: RowRange | undefined, rangeHeader: string | undefined, maxRows: number | null): RowRange {
  const header = method === 'GET' ? headerRange(rangeHeader) : allRange
  const limit = queryRange ?? allRange
  const top = hasLimitZero(limit) ? limitZeroRange : intersect(header, limit)
  if (isEmpty(top) && !hasLimitZero(limit)) {
    throw new RestError(416, 'PGRST103', 'Requested range not satisfiable', isEmpty(header)
      ? 'The lower boundary must be lower than or equal to the upper boundary in the Range header.'
      : 'Limit should be greater than or equal to zero.')
  }
  if (method === 'PUT' && !isAll(top)) throw new RestError(400, 'PGRST114', 'limit/offset querystring parameters are not allowed for PUT')
  return capped(top, maxRows)
}

/** nodeRestrictRange: `max_rows` applies to every level; limit=0 stays limit=0. */
export function capped(range: RowRange, maxRows: number | null): RowRange {
  return hasLimitZero(range) || maxRows === null ? range : restrict(BigInt(maxRows), range)
}

export interface Range { offset: number, limit?: number }

/** limitOffsetF: what the SQL gets, or nothing for the whole range. */
export function sqlRange(range: RowRange): Range | undefined {
  if (isAll(range)) return undefined
  const limit = rangeLimit(range)
  return { offset: Number(range.lower), ...(limit !== undefined && { limit: Number(limit) }) }
}
