// The query-string grammar PostgREST v14 accepts (ApiRequest/QueryParams.hs, written anew): select
// trees, filters with every operator, logic trees, order, limit/offset per embedding level,
// columns and on_conflict. Pure: no schema knowledge; the planner resolves names later. Errors are
// PGRST100 with PostgREST's message shape (`"failed to parse … (input)" (line 1, column n)`).
import { RestError } from './errors.ts'
import { queryRanges, type RowRange } from './ranges.ts'

export type JsonArrow = '->' | '->>'
export interface JsonStep { arrow: JsonArrow, key: string, isIndex: boolean }
export interface Field { name: string, jsonPath: JsonStep[] }

export type Aggregate = 'count' | 'sum' | 'avg' | 'max' | 'min'
export type JoinType = 'inner' | 'left'

export type SelectItem
  = | { kind: 'field', field: Field, alias?: string, cast?: string, aggregate?: Aggregate, aggregateCast?: string }
    | { kind: 'relation', name: string, alias?: string, hint?: string, joinType?: JoinType, children: SelectItem[] }
    | { kind: 'spread', name: string, hint?: string, joinType?: JoinType, children: SelectItem[] }

export type QuantOperator = 'eq' | 'gte' | 'gt' | 'lte' | 'lt' | 'like' | 'ilike' | 'match' | 'imatch'
export type SimpleOperator = 'neq' | 'cs' | 'cd' | 'ov' | 'sl' | 'sr' | 'nxr' | 'nxl' | 'adj'
export type FtsOperator = 'fts' | 'plfts' | 'phfts' | 'wfts'
export type IsValue = 'null' | 'not_null' | 'true' | 'false' | 'unknown'

export type Operation
  = | { kind: 'quant', operator: QuantOperator, quantifier?: 'any' | 'all', value: string }
    | { kind: 'simple', operator: SimpleOperator, value: string }
    | { kind: 'in', values: string[] }
    | { kind: 'is', value: IsValue }
    | { kind: 'isdistinct', value: string }
    | { kind: 'fts', operator: FtsOperator, language?: string, value: string }

export interface OpExpr { negated: boolean, operation: Operation }
export interface Filter { field: Field, expr: OpExpr }
export type LogicTree
  = | { kind: 'expr', negated: boolean, operator: 'and' | 'or', children: LogicTree[] }
    | { kind: 'filter', filter: Filter }

export interface OrderTerm {
  /** Set when ordering by a to-one embedded resource's column: `clients(name).desc`. */
  relation?: string
  field: Field
  direction?: 'asc' | 'desc'
  nulls?: 'first' | 'last'
}

/** One request's query string, split by embedding path (`[]` = root, `['clients']` = embedded). */
export interface QueryParams {
  select: SelectItem[]
  filters: Array<{ path: string[], filter: Filter }>
  logic: Array<{ path: string[], tree: LogicTree }>
  order: Array<{ path: string[], terms: OrderTerm[] }>
  /** limit/offset per embedding path ('' for the top), as PostgREST combines them. */
  ranges: Map<string, RowRange>
  columns?: string[]
  onConflict?: string[]
  /** Parameters without an operator: the arguments of a function called with GET. */
  rpcArgs: Array<[string, string]>
  /** Sorted `k=v&…` as PostgREST echoes in Content-Location. */
  canonical: string
}

const quantOperators = new Set<string>(['eq', 'gte', 'gt', 'lte', 'lt', 'like', 'ilike', 'match', 'imatch'])
const simpleOperators = new Set<string>(['neq', 'cs', 'cd', 'ov', 'sl', 'sr', 'nxr', 'nxl', 'adj'])
const ftsOperators = new Set<string>(['fts', 'plfts', 'phfts', 'wfts'])
const reserved = new Set(['select', 'columns', 'on_conflict'])
const reservedEmbeddable = new Set(['order', 'limit', 'offset', 'and', 'or'])

/** Not an Error: backtracking throws many of these, and capturing stack traces would dominate. */
class ParseFailure {
  position: number
  expecting: string[]
  constructor(position: number, expecting: string[]) {
    this.position = position
    this.expecting = expecting
  }
}

/** A cursor over one parameter's text; failures carry the position PostgREST reports. */
class Cursor {
  text: string
  pos = 0
  constructor(text: string) {
    this.text = text
  }

  get done(): boolean {
    return this.pos >= this.text.length
  }

  peek(offset = 0): string {
    return this.text[this.pos + offset] ?? ''
  }

  startsWith(token: string): boolean {
    return this.text.startsWith(token, this.pos)
  }

  take(token: string): boolean {
    if (!this.startsWith(token)) return false
    this.pos += token.length
    return true
  }

  expect(token: string): void {
    if (!this.take(token)) this.fail([`"${token}"`])
  }

  skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++
  }

  fail(expecting: string[]): never {
    throw new ParseFailure(this.pos, expecting)
  }

  /** `attempt`, only where a cheap look-ahead says the sub-parser can succeed (failures are costly). */
  attemptIf<T>(possible: boolean, parse: () => T): T | undefined {
    return possible ? this.attempt(parse) : undefined
  }

  /** Runs a sub-parser and restores the position when it fails (Parsec's `try`). */
  attempt<T>(parse: () => T): T | undefined {
    const start = this.pos
    try {
      return parse()
    }
    catch (error) {
      if (!(error instanceof ParseFailure)) throw error
      this.pos = start
      return undefined
    }
  }
}

function parseError(context: string, input: string, failure: ParseFailure, parsedText = input): RestError {
  const unexpected = failure.position >= parsedText.length ? 'end of input' : `"${parsedText[failure.position]}"`
  const expecting = [...new Set(failure.expecting)]
  const details = `unexpected ${unexpected}${expecting.length ? ` expecting ${joinOr(expecting)}` : ''}`
  return new RestError(400, 'PGRST100', `"failed to parse ${context} (${input})" (line 1, column ${failure.position + 1})`, details)
}

function joinOr(items: string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`
}

function run<T>(context: string, input: string, parse: (cursor: Cursor) => T): T {
  const cursor = new Cursor(input)
  try {
    return parse(cursor)
  }
  catch (error) {
    if (error instanceof ParseFailure) throw parseError(context, input, error)
    throw error
  }
}

// --- lexical pieces -------------------------------------------------------------------------

const identifierChar = /[\p{L}0-9_ $]/u

/** Letters, digits, `_`, `$` and spaces (trimmed): names and cast types. */
function identifier(cursor: Cursor, expecting = 'field name (* or [a..z0..9_$])'): string {
  const start = cursor.pos
  while (!cursor.done && identifierChar.test(cursor.peek())) cursor.pos++
  if (cursor.pos === start) cursor.fail([expecting])
  return cursor.text.slice(start, cursor.pos).trim()
}

/** `"…"` with backslash escapes: any character after `\` is taken literally. */
function quotedValue(cursor: Cursor): string {
  cursor.expect('"')
  let value = ''
  for (;;) {
    if (cursor.done) cursor.fail(['"\\""'])
    const char = cursor.peek()
    if (char === '"') {
      cursor.pos++
      return value
    }
    if (char === '\\') {
      cursor.pos++
      if (cursor.done) cursor.fail(['any character'])
    }
    value += cursor.peek()
    cursor.pos++
  }
}

/** Words joined by dashes that do not start an arrow (`a-b` is a name, `a->b` a JSON path). */
function dashedWords(cursor: Cursor, word: (cursor: Cursor) => string): string {
  const parts = [word(cursor)]
  while (cursor.peek() === '-' && cursor.peek(1) !== '>') {
    cursor.pos++
    parts.push(word(cursor))
  }
  return parts.join('-')
}

export function fieldName(cursor: Cursor): string {
  if (cursor.peek() === '"') return quotedValue(cursor)
  return dashedWords(cursor, word => identifier(word))
}

function jsonKeyWord(cursor: Cursor): string {
  const start = cursor.pos
  while (!cursor.done && !'(-:.,>)'.includes(cursor.peek())) cursor.pos++
  if (cursor.pos === start) cursor.fail(['any non reserved character different from: .,>()'])
  return cursor.text.slice(start, cursor.pos).trim()
}

function jsonPath(cursor: Cursor): JsonStep[] {
  const steps: JsonStep[] = []
  for (;;) {
    let arrow: JsonArrow
    if (cursor.take('->>')) arrow = '->>'
    else if (cursor.take('->')) arrow = '->'
    else return steps
    const index = cursor.attempt(() => {
      const match = /^-?[0-9]+/.exec(cursor.text.slice(cursor.pos))
      if (!match) cursor.fail(['digit'])
      cursor.pos += match[0].length
      const rest = cursor.text.slice(cursor.pos)
      if (!(rest === '' || rest.startsWith('->') || rest.startsWith('::') || rest.startsWith('.') || rest.startsWith(','))) cursor.fail(['"->"', '"::"', '"."', '","', 'end of input'])
      return match[0]
    })
    if (index !== undefined) {
      steps.push({ arrow, key: index, isIndex: true })
      continue
    }
    const key = cursor.peek() === '"' ? quotedValue(cursor) : dashedWords(cursor, jsonKeyWord)
    steps.push({ arrow, key, isIndex: false })
  }
}

function field(cursor: Cursor): Field {
  cursor.skipSpaces()
  const name = fieldName(cursor)
  const path = jsonPath(cursor)
  cursor.skipSpaces()
  return { name, jsonPath: path }
}

function castIdentifier(cursor: Cursor): string {
  return identifier(cursor, 'letter or digit')
}

// --- select ---------------------------------------------------------------------------------

function atItemEnd(cursor: Cursor): boolean {
  return cursor.done || cursor.peek() === ')' || cursor.peek() === ','
}

function embedParams(cursor: Cursor): { hint?: string, joinType?: JoinType } {
  const result: { hint?: string, joinType?: JoinType } = {}
  for (let i = 0; i < 2 && cursor.peek() === '!'; i++) {
    cursor.pos++
    if (cursor.take('left')) result.joinType ??= 'left'
    else if (cursor.take('inner')) result.joinType ??= 'inner'
    else result.hint ??= fieldName(cursor)
  }
  return result
}

function relationHead(cursor: Cursor, spread: boolean): Omit<Extract<SelectItem, { kind: 'relation' }>, 'children' | 'kind'> {
  cursor.skipSpaces()
  let alias: string | undefined
  if (!spread) {
    alias = cursor.attemptIf(hasAlias(cursor), () => {
      const name = fieldName(cursor)
      if (cursor.peek() !== ':' || cursor.peek(1) === ':') cursor.fail(['":"'])
      cursor.pos++
      return name
    })
  }
  else {
    cursor.expect('...')
  }
  const name = fieldName(cursor)
  if (!spread && name === 'count') cursor.fail(['"("'])
  const params = embedParams(cursor)
  if (cursor.peek() !== '(') cursor.fail(['"("'])
  return { name, ...(alias !== undefined && { alias }), ...params }
}

const aggregates: Aggregate[] = ['sum', 'avg', 'count', 'max', 'min']

function fieldSelect(cursor: Cursor): SelectItem {
  cursor.skipSpaces()
  const star = cursor.attemptIf(cursor.peek() === '*', () => {
    cursor.expect('*')
    cursor.skipSpaces()
    if (!atItemEnd(cursor)) cursor.fail(['")"', '","', 'end of input'])
    return { kind: 'field', field: { name: '*', jsonPath: [] } } satisfies SelectItem
  })
  if (star) return star
  const alias = cursor.attemptIf(hasAlias(cursor), () => {
    const name = fieldName(cursor)
    if (cursor.peek() !== ':' || cursor.peek(1) === ':') cursor.fail(['":"'])
    cursor.pos++
    return name
  })
  const countAll = cursor.attemptIf(cursor.startsWith('count()'), () => {
    cursor.expect('count()')
    const aggregateCast = cursor.take('::') ? castIdentifier(cursor) : undefined
    cursor.skipSpaces()
    if (!atItemEnd(cursor)) cursor.fail(['")"', '","', 'end of input'])
    return { kind: 'field', field: { name: '*', jsonPath: [] }, aggregate: 'count', ...(aggregateCast && { aggregateCast }), ...(alias !== undefined && { alias }) } satisfies SelectItem
  })
  if (countAll) return countAll
  const parsed = field(cursor)
  const cast = cursor.take('::') ? castIdentifier(cursor) : undefined
  const aggregate = cursor.attemptIf(cursor.peek() === '.', () => {
    cursor.expect('.')
    const found = aggregates.find(name => cursor.take(name))
    if (!found) cursor.fail(aggregates.map(name => `"${name}"`))
    cursor.expect('()')
    return found
  })
  const aggregateCast = cursor.take('::') ? castIdentifier(cursor) : undefined
  cursor.skipSpaces()
  if (!atItemEnd(cursor)) cursor.fail(['letter', 'digit', '"-"', '"->>"', '"->"', '"::"', '"."', '")"', '","', 'end of input'])
  return {
    kind: 'field',
    field: parsed,
    ...(alias !== undefined && { alias }),
    ...(cast && { cast }),
    ...(aggregate && { aggregate }),
    ...(aggregateCast && { aggregateCast }),
  }
}

function selectForest(cursor: Cursor, depth: number): SelectItem[] {
  if (depth > 32) cursor.fail(['a shallower select'])
  const items: SelectItem[] = []
  cursor.skipSpaces()
  if (cursor.done || cursor.peek() === ')') return items
  for (;;) {
    items.push(selectItem(cursor, depth))
    cursor.skipSpaces()
    if (!cursor.take(',')) return items
    cursor.skipSpaces()
  }
}

function firstNonSpace(cursor: Cursor): number {
  let i = cursor.pos
  while (cursor.text[i] === ' ' || cursor.text[i] === '\t') i++
  return i
}

/** The first of `stops` ahead outside double quotes (a `::` cast is skipped as a pair), or ''. */
function scanAhead(cursor: Cursor, stops: string): string {
  let quoted = false
  for (let i = cursor.pos; i < cursor.text.length; i++) {
    const char = cursor.text[i]!
    if (quoted && char === '\\') i++
    else if (char === '"') quoted = !quoted
    else if (!quoted && char === ':' && cursor.text[i + 1] === ':') i++
    else if (!quoted && stops.includes(char)) return char
  }
  return ''
}

/** Whether a `name:` alias can start here (a single colon before the item ends). */
function hasAlias(cursor: Cursor): boolean {
  return scanAhead(cursor, '(,):') === ':'
}

/** Whether the item ahead can be an embedding at all (a `(` before it ends). */
function nextDelimiter(cursor: Cursor): string {
  return scanAhead(cursor, '(,)')
}

function selectItem(cursor: Cursor, depth: number): SelectItem {
  const maybeEmbedding = nextDelimiter(cursor) === '('
  for (const spread of maybeEmbedding ? [true, false] : []) {
    if (spread && !cursor.text.startsWith('...', firstNonSpace(cursor))) continue
    const head = cursor.attempt(() => relationHead(cursor, spread))
    if (!head) continue
    cursor.expect('(')
    const children = selectForest(cursor, depth + 1)
    cursor.expect(')')
    cursor.skipSpaces()
    return spread
      ? { kind: 'spread', name: head.name, ...(head.hint !== undefined && { hint: head.hint }), ...(head.joinType && { joinType: head.joinType }), children }
      : { kind: 'relation', ...head, children }
  }
  return fieldSelect(cursor)
}

export function parseSelect(text: string): SelectItem[] {
  return run('select parameter', text, cursor => selectForest(cursor, 0))
}

// --- filters --------------------------------------------------------------------------------

function caseInsensitive(cursor: Cursor, word: string): boolean {
  if (cursor.text.slice(cursor.pos, cursor.pos + word.length).toLowerCase() !== word) return false
  cursor.pos += word.length
  return true
}

function listValue(cursor: Cursor): string[] {
  cursor.skipSpaces()
  cursor.expect('(')
  cursor.skipSpaces()
  const values: string[] = []
  for (;;) {
    const quoted = cursor.attempt(() => {
      const value = quotedValue(cursor)
      if (!cursor.done && cursor.peek() !== ',' && cursor.peek() !== ')') cursor.fail(['","', '")"'])
      return value
    })
    if (quoted !== undefined) {
      values.push(quoted)
    }
    else {
      const start = cursor.pos
      while (!cursor.done && cursor.peek() !== ',' && cursor.peek() !== ')') cursor.pos++
      values.push(cursor.text.slice(start, cursor.pos))
    }
    if (!cursor.take(',')) break
  }
  cursor.skipSpaces()
  cursor.expect(')')
  cursor.skipSpaces()
  return values
}

function operatorWord(cursor: Cursor): string {
  const match = /^[a-z_]+/.exec(cursor.text.slice(cursor.pos))
  if (!match) cursor.fail(['operator (eq, gt, ...)'])
  cursor.pos += match[0].length
  return match[0]
}

/** `[not.]op.value` — `value` is read by `readValue` (the rest, or up to `,)` inside logic trees). */
function opExpr(cursor: Cursor, readValue: (cursor: Cursor) => string): OpExpr {
  const negated = cursor.take('not.')
  const start = cursor.pos
  const word = operatorWord(cursor)
  const delimiter = () => {
    if (!cursor.take('.')) cursor.fail(['delimiter (.)'])
  }
  if (word === 'in') {
    delimiter()
    return { negated, operation: { kind: 'in', values: listValue(cursor) } }
  }
  if (word === 'is') {
    delimiter()
    const value = (['null', 'not_null', 'true', 'false', 'unknown'] as const).find(candidate => caseInsensitive(cursor, candidate))
    if (!value) cursor.fail(['isVal: (null, not_null, true, false, unknown)'])
    return { negated, operation: { kind: 'is', value } }
  }
  if (word === 'isdistinct') {
    delimiter()
    return { negated, operation: { kind: 'isdistinct', value: readValue(cursor) } }
  }
  if (ftsOperators.has(word)) {
    let language: string | undefined
    if (cursor.take('(')) {
      language = castIdentifier(cursor)
      cursor.expect(')')
    }
    delimiter()
    return { negated, operation: { kind: 'fts', operator: word as FtsOperator, ...(language && { language }), value: readValue(cursor) } }
  }
  if (simpleOperators.has(word)) {
    delimiter()
    return { negated, operation: { kind: 'simple', operator: word as SimpleOperator, value: readValue(cursor) } }
  }
  if (quantOperators.has(word)) {
    let quantifier: 'any' | 'all' | undefined
    if (cursor.take('(')) {
      if (cursor.take('any')) quantifier = 'any'
      else if (cursor.take('all')) quantifier = 'all'
      else cursor.fail(['"any"', '"all"'])
      cursor.expect(')')
    }
    delimiter()
    return { negated, operation: { kind: 'quant', operator: word as QuantOperator, ...(quantifier && { quantifier }), value: readValue(cursor) } }
  }
  cursor.pos = start
  cursor.fail(['"not"', 'operator (eq, gt, ...)'])
}

const restOfInput = (cursor: Cursor) => {
  const value = cursor.text.slice(cursor.pos)
  cursor.pos = cursor.text.length
  return value
}

/** Inside `or=(…)`: a quoted value, a `{…}` array literal, or everything up to `,` or `)`. */
function logicValue(cursor: Cursor): string {
  const quoted = cursor.attempt(() => {
    const value = quotedValue(cursor)
    if (!cursor.done && cursor.peek() !== ',' && cursor.peek() !== ')') cursor.fail(['","', '")"'])
    return value
  })
  if (quoted !== undefined) return quoted
  if (cursor.peek() === '{') {
    const close = cursor.text.indexOf('}', cursor.pos)
    const inner = close < 0 ? '' : cursor.text.slice(cursor.pos + 1, close)
    if (close >= 0 && !inner.includes('{')) {
      const value = cursor.text.slice(cursor.pos, close + 1)
      cursor.pos = close + 1
      return value
    }
  }
  const start = cursor.pos
  while (!cursor.done && cursor.peek() !== ',' && cursor.peek() !== ')') cursor.pos++
  return cursor.text.slice(start, cursor.pos)
}

/** A parameter's key: the embedding path and the field (`clients.name`, `data->>a`). */
function treePath(cursor: Cursor): { path: string[], field: Field } {
  const names = [fieldName(cursor)]
  while (cursor.take('.')) names.push(fieldName(cursor))
  const path = jsonPath(cursor)
  return { path: names.slice(0, -1), field: { name: names.at(-1)!, jsonPath: path } }
}

function parseKey(key: string): { path: string[], field: Field } {
  return run('tree path', key, treePath)
}

export function parseFilter(key: string, value: string): { path: string[], filter: Filter } {
  const { path, field: parsedField } = parseKey(key)
  const expr = run('filter', value, cursor => opExpr(cursor, restOfInput))
  return { path, filter: { field: parsedField, expr } }
}

/** True when a value reads as an operator expression (a filter rather than a function argument). */
export function hasOperator(value: string): boolean {
  const cursor = new Cursor(value)
  try {
    opExpr(cursor, restOfInput)
    return true
  }
  catch (error) {
    if (error instanceof ParseFailure) return false
    throw error
  }
}

function logicTree(cursor: Cursor, depth: number): LogicTree {
  if (depth > 32) cursor.fail(['a shallower logic tree'])
  const statement = cursor.attempt(() => {
    const parsedField = field(cursor)
    if (!cursor.take('.')) cursor.fail(['delimiter (.)'])
    return { kind: 'filter', filter: { field: parsedField, expr: opExpr(cursor, logicValue) } } satisfies LogicTree
  })
  if (statement) return statement
  const negated = cursor.take('not.')
  let operator: 'and' | 'or'
  if (cursor.take('and')) operator = 'and'
  else if (cursor.take('or')) operator = 'or'
  else cursor.fail(['field name (* or [a..z0..9_$])', 'negation operator (not)', 'logic operator (and, or)'])
  cursor.skipSpaces()
  cursor.expect('(')
  cursor.skipSpaces()
  const children = [logicTree(cursor, depth + 1)]
  cursor.skipSpaces()
  while (cursor.take(',')) {
    cursor.skipSpaces()
    children.push(logicTree(cursor, depth + 1))
    cursor.skipSpaces()
  }
  cursor.expect(')')
  cursor.skipSpaces()
  return { kind: 'expr', negated, operator, children }
}

export function parseLogic(key: string, value: string): { path: string[], tree: LogicTree } {
  const names = run('logic path', key, (cursor) => {
    const parts = [fieldName(cursor)]
    while (cursor.take('.')) parts.push(fieldName(cursor))
    return parts
  })
  const operator = names.at(-1)!
  const negated = names.slice(0, -1).includes('not')
  const path = names.slice(0, -1).filter(name => name !== 'not')
  // PostgREST parses `or(…)`: the operator is put in front of the value, positions count it.
  const text = `${negated ? 'not.' : ''}${operator}${value}`
  let tree: LogicTree
  try {
    tree = logicTree(new Cursor(text), 0)
  }
  catch (error) {
    if (error instanceof ParseFailure) throw parseError('logic tree', value, error, text)
    throw error
  }
  return { path, tree }
}

// --- order ----------------------------------------------------------------------------------

function orderTerm(cursor: Cursor): OrderTerm {
  cursor.skipSpaces()
  const related = cursor.attemptIf(nextDelimiter(cursor) === '(', () => {
    const relation = fieldName(cursor)
    cursor.expect('(')
    const inner = field(cursor)
    cursor.expect(')')
    return { relation, field: inner }
  })
  const term: OrderTerm = related ?? { field: field(cursor) }
  const atEnd = () => cursor.done || cursor.peek() === ','
  const attemptWord = (words: string[]) => cursor.attempt(() => {
    cursor.expect('.')
    const word = words.find(candidate => cursor.take(candidate))
    if (!word) cursor.fail(words.map(candidate => `"${candidate}"`))
    return word
  })
  const direction = attemptWord(['asc', 'desc'])
  if (direction) term.direction = direction as 'asc' | 'desc'
  const nulls = attemptWord(['nullsfirst', 'nullslast'])
  if (nulls) term.nulls = nulls === 'nullsfirst' ? 'first' : 'last'
  cursor.skipSpaces()
  if (!atEnd()) {
    if (cursor.peek() === '.' && !nulls) {
      cursor.pos++
      cursor.fail(direction ? ['"nullsfirst"', '"nullslast"'] : ['"asc"', '"desc"', '"nullsfirst"', '"nullslast"'])
    }
    cursor.fail(['","', 'end of input'])
  }
  return term
}

export function parseOrder(value: string): OrderTerm[] {
  return run('order', value, (cursor) => {
    const terms = [orderTerm(cursor)]
    while (cursor.take(',')) terms.push(orderTerm(cursor))
    return terms
  })
}

export function parseColumnList(context: string, value: string): string[] {
  return run(context, value, (cursor) => {
    cursor.skipSpaces()
    const names = [fieldName(cursor)]
    cursor.skipSpaces()
    while (cursor.take(',')) {
      cursor.skipSpaces()
      names.push(fieldName(cursor))
      cursor.skipSpaces()
    }
    return names
  })
}

// --- the whole query string -----------------------------------------------------------------

const lastSegment = (key: string) => key.slice(key.lastIndexOf('.') + 1)
const pathKey = (path: string[]) => path.join('\u0000')

/** Integer as Haskell's `readMaybe` takes it (surrounding spaces allowed), or undefined. */
function pathOf(key: string): string[] {
  return parseKey(key).path
}

/**
 * Splits the query string the way PostgREST does. `isRpcRead` (GET/HEAD on a function) turns
 * parameters without an operator into function arguments instead of failing.
 */
export function parseQueryParams(search: URLSearchParams, isRpcRead: boolean): QueryParams {
  const entries = [...search.entries()]
  const first = (name: string) => entries.find(([key]) => key === name)?.[1]
  const result: QueryParams = {
    select: parseSelect(first('select') || '*'),
    filters: [],
    logic: [],
    order: [],
    ranges: new Map(),
    rpcArgs: [],
    canonical: canonicalQuery(entries),
  }
  const columns = first('columns')
  if (columns !== undefined) result.columns = parseColumnList('columns parameter', columns)
  const onConflict = first('on_conflict')
  if (onConflict !== undefined) result.onConflict = parseColumnList('on_conflict parameter', onConflict)

  const limits = new Map<string, string>()
  const offsets = new Map<string, string>()
  // Empty values count too (PostgREST's nonemptyParams only drops keys without `=`).
  for (const [key, value] of entries) {
    if (reserved.has(key)) continue
    const last = lastSegment(key)
    if (last === 'order') {
      result.order.push({ path: pathOf(key), terms: parseOrder(value) })
    }
    else if (last === 'and' || last === 'or') {
      result.logic.push(parseLogic(key, value))
    }
    else if (last === 'limit' || last === 'offset') {
      (last === 'limit' ? limits : offsets).set(pathKey(pathOf(key)), value)
    }
    else if (reservedEmbeddable.has(last)) {
      continue
    }
    else if (isRpcRead && !key.includes('.') && !hasOperator(value)) {
      result.rpcArgs.push([key, value])
    }
    else {
      result.filters.push(parseFilter(key, value))
    }
  }
  result.ranges = queryRanges(limits, offsets)
  return result
}

function canonicalQuery(entries: Array<[string, string]>): string {
  return [...entries]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&')
}
