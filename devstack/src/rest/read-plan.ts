// Turns a parsed select tree with its filters, order and ranges into one SQL query, the way
// PostgREST's ReadPlan/QueryBuilder do: each embedded resource is a LATERAL subquery (to-one as a
// row, to-many as json_agg), filters on an embedding apply inside its subquery, `!inner` turns the
// join into an inner one, spreads lift columns into the parent. Names resolve against the schema
// cache; relationship errors are PGRST200/201, bad embedding paths PGRST108, bad null filters
// PGRST120, related order on to-many PGRST118.
import { closest, RestError } from './errors.ts'
import type { Field, Filter, JoinType, LogicTree, OpExpr, OrderTerm, QueryParams, SelectItem } from './query-params.ts'
import { capped, type Range, sqlRange } from './ranges.ts'
import type { Relationship, SchemaCache, Table } from './schema-cache.ts'
import { qualified } from './schema-cache.ts'
import { arrayLiteral, castType, ident, literal, type Params, qualifiedIdent } from './sql-text.ts'

export interface PlanContext {
  cache: SchemaCache
  schema: string
  params: Params
  query: QueryParams
  /** `[api] max_rows`, which caps every embedding level too. */
  maxRows: number | null
  /** Embedding paths present in the select tree, to reject filters on anything else. */
  knownPaths: Set<string>
}

interface FieldPlan {
  sql: string
  /** The expression without its alias, for GROUP BY. */
  expression: string
  outputNames: string[]
  aggregate: boolean
}

type Condition
  = | { kind: 'sql', sql: string }
    | { kind: 'embed', embed: EmbedNode, isNull: boolean }
    | { kind: 'tree', operator: 'AND' | 'OR', negated: boolean, children: Condition[] }

export interface ReadNode {
  table: Table | null
  /** Output columns of `*` when the shape is known without a table (function results). */
  starColumns: string[] | null
  from: string
  alias: string
  fields: FieldPlan[]
  embeds: EmbedNode[]
  conditions: Condition[]
  order: string[]
  range?: Range
}

interface EmbedNode extends ReadNode {
  relationship: Relationship
  /** The key in the output and the name in embedding paths (alias or relation name). */
  selName: string
  lateral: string
  junctionAlias?: string
  joinType: JoinType
  spread: boolean
  toOne: boolean
}

export const pathKey = (path: string[]) => path.join('\u0000')

export function newPlanContext(cache: SchemaCache, schema: string, params: Params, query: QueryParams, maxRows: number | null = null): PlanContext {
  return { cache, schema, params, query, maxRows, knownPaths: new Set() }
}

// --- expressions ----------------------------------------------------------------------------

function jsonPathSql(field: Field): string {
  return field.jsonPath.map(step => step.arrow + (step.isIndex ? String(Number(step.key)) : literal(step.key))).join('')
}

export function columnExpression(alias: string, field: Field): string {
  return `${alias}.${ident(field.name)}${jsonPathSql(field)}`
}

/** A column, or a computed field (a function of the row) when the table has no such column. */
function fieldExpression(node: ReadNode, alias: string, field: Field): string {
  const computed = node.table && !node.table.columnsByName.has(field.name) ? node.table.computed.get(field.name) : undefined
  if (!computed) return columnExpression(alias, field)
  return `${qualifiedIdent(computed.schema, computed.name)}(${alias})${jsonPathSql(field)}`
}

function fieldOutputName(field: Field): string {
  const last = field.jsonPath.at(-1)
  if (!last) return field.name
  if (!last.isIndex) return last.key
  return [...field.jsonPath].reverse().find(step => !step.isIndex)?.key ?? field.name
}

const quantSql: Record<string, string> = { eq: '=', gte: '>=', gt: '>', lte: '<=', lt: '<', like: 'LIKE', ilike: 'ILIKE', match: '~', imatch: '~*' }
const simpleSql: Record<string, string> = { neq: '<>', cs: '@>', cd: '<@', ov: '&&', sl: '<<', sr: '>>', nxr: '&<', nxl: '&>', adj: '-|-' }
const ftsSql: Record<string, string> = { fts: 'to_tsquery', plfts: 'plainto_tsquery', phfts: 'phraseto_tsquery', wfts: 'websearch_to_tsquery' }
const isSql: Record<string, string> = { null: 'IS NULL', not_null: 'IS NOT NULL', true: 'IS TRUE', false: 'IS FALSE', unknown: 'IS UNKNOWN' }

/** `lhs op value` with the value bound; `lhs` is an already rendered column expression. */
export function operationSql(lhs: string, expr: OpExpr, params: Params): string {
  const operation = expr.operation
  let sql: string
  switch (operation.kind) {
    case 'quant': {
      const isLike = operation.operator === 'like' || operation.operator === 'ilike'
      const value = isLike ? operation.value.replaceAll('*', '%') : operation.value
      sql = operation.quantifier
        ? `${lhs} ${quantSql[operation.operator]} ${operation.quantifier.toUpperCase()}(${params.bind(value)})`
        : `${lhs} ${quantSql[operation.operator]} ${params.bind(value)}`
      break
    }
    case 'simple':
      sql = `${lhs} ${simpleSql[operation.operator]} ${params.bind(operation.value)}`
      break
    case 'in':
      sql = `${lhs} = ANY (${params.bind(arrayLiteral(operation.values))})`
      break
    case 'is':
      sql = `${lhs} ${isSql[operation.value]}`
      break
    case 'isdistinct':
      sql = `${lhs} IS DISTINCT FROM ${params.bind(operation.value)}`
      break
    case 'fts': {
      const language = operation.language ? `${params.bind(operation.language)}, ` : ''
      sql = `${lhs} @@ ${ftsSql[operation.operator]}(${language}${params.bind(operation.value)})`
      break
    }
  }
  return expr.negated ? `NOT ${sql}` : sql
}

// --- planning -------------------------------------------------------------------------------

function tableColumns(table: Table | null): string[] | null {
  return table ? table.columns.map(column => column.name) : null
}

function planField(node: ReadNode, item: Extract<SelectItem, { kind: 'field' }>, ctx: PlanContext): FieldPlan {
  const { field } = item
  const knownColumns = node.table ? tableColumns(node.table) : node.starColumns
  // `count` without parentheses counts rows even with aggregates disabled, unless it is a column.
  const isCountAll = (field.name === '*' && item.aggregate === 'count')
    || (field.name === 'count' && field.jsonPath.length === 0 && !item.aggregate && !item.cast && !knownColumns?.includes('count'))
  if (isCountAll) {
    if (item.aggregate && !ctx.cache.aggregatesEnabled) throw aggregatesNotAllowed()
    const expression = withCast('pg_catalog.count(*)', item.aggregateCast)
    const outputName = item.alias ?? 'count'
    return { sql: `${expression} AS ${ident(outputName)}`, expression, outputNames: [outputName], aggregate: true }
  }
  if (field.name === '*') {
    return { sql: `${node.alias}.*`, expression: `${node.alias}.*`, outputNames: knownColumns ?? [], aggregate: false }
  }
  let expression = withCast(fieldExpression(node, node.alias, field), item.cast)
  let outputName = item.alias ?? fieldOutputName(field)
  if (item.aggregate) {
    if (!ctx.cache.aggregatesEnabled) throw aggregatesNotAllowed()
    expression = withCast(`pg_catalog.${item.aggregate}(${expression})`, item.aggregateCast)
    outputName = item.alias ?? item.aggregate
  }
  const plain = !item.alias && !item.cast && !item.aggregate && field.jsonPath.length === 0 && !node.table?.computed.has(field.name)
  return { sql: plain ? expression : `${expression} AS ${ident(outputName)}`, expression, outputNames: [outputName], aggregate: Boolean(item.aggregate) }
}

function withCast(expression: string, cast: string | undefined): string {
  return cast ? `CAST(${expression} AS ${castType(cast)})` : expression
}

function aggregatesNotAllowed(): RestError {
  return new RestError(400, 'PGRST123', 'Use of aggregate functions is not allowed')
}

/** Plans one level: its fields, embeddings, and the filters/order/range addressed to its path. */
export function planRead(ctx: PlanContext, base: Pick<ReadNode, 'table' | 'starColumns' | 'from' | 'alias'>, items: SelectItem[], path: string[], sourceName: string): ReadNode {
  ctx.knownPaths.add(pathKey(path))
  const node: ReadNode = { ...base, fields: [], embeds: [], conditions: [], order: [] }
  for (const item of items) {
    if (item.kind === 'field') node.fields.push(planField(node, item, ctx))
    else node.embeds.push(planEmbed(ctx, node, item, path, sourceName))
  }
  const key = pathKey(path)
  for (const { filter } of ctx.query.filters.filter(entry => pathKey(entry.path) === key)) {
    node.conditions.push(planFilter(node, filter, ctx))
  }
  for (const { tree } of ctx.query.logic.filter(entry => pathKey(entry.path) === key)) {
    node.conditions.push(planTree(node, tree, ctx))
  }
  const orderEntry = ctx.query.order.find(entry => pathKey(entry.path) === key)
  if (orderEntry) node.order = orderEntry.terms.map(term => planOrder(node, term, sourceName))
  // Embeddings keep their own range (max_rows caps every level); the top's is set by the caller.
  const range = path.length ? ctx.query.ranges.get(key) : undefined
  const sql = range && sqlRange(capped(range, ctx.maxRows))
  if (sql) node.range = sql
  return node
}

function planEmbed(ctx: PlanContext, parent: ReadNode, item: Extract<SelectItem, { kind: 'relation' | 'spread' }>, path: string[], parentName: string): EmbedNode {
  if (!parent.table) throw noRelationship(ctx, parentName, item.name, item.hint)
  const relationship = findRelationship(ctx, parent.table, item.name, item.hint)
  const target = relationship.foreignTable
  // PostgREST's aliases (Plan.addRels): `<target>_<depth>` inside, `<origin>_<alias or name>_<depth>`
  // for the LATERAL subquery; two embeddings that share the latter meet Postgres' 42712.
  const depth = path.length + 1
  const selName = item.kind === 'relation' ? (item.alias ?? item.name) : item.name
  const alias = ident(`${target.name}_${depth}`)
  const from = relationship.function
    ? `${qualifiedIdent(relationship.function.schema, relationship.function.name)}(${parent.alias})`
    : qualifiedIdent(target.schema, target.name)
  const child = planRead(ctx, { table: target, starColumns: null, from, alias }, item.children, [...path, selName], target.name)
  const embed: EmbedNode = {
    ...child,
    relationship,
    selName,
    lateral: ident(`${relationship.table.name}_${selName}_${depth}`),
    joinType: item.joinType ?? 'left',
    spread: item.kind === 'spread',
    toOne: relationship.cardinality === 'm2o' || relationship.cardinality === 'o2o' || Boolean(relationship.function?.toOne),
  }
  if (relationship.junction) embed.junctionAlias = ident(`${relationship.junction.table.name}_${depth}`)
  return embed
}

function findEmbed(node: ReadNode, name: string): EmbedNode | undefined {
  return node.embeds.find(embed => embed.selName === name) ?? node.embeds.find(embed => embed.relationship.foreignTable.name === name)
}

function planFilter(node: ReadNode, filter: Filter, ctx: PlanContext): Condition {
  const embed = filter.field.jsonPath.length === 0 ? findEmbed(node, filter.field.name) : undefined
  if (embed && !node.table?.columnsByName.has(filter.field.name)) {
    const operation = filter.expr.operation
    if (operation.kind !== 'is' || operation.value !== 'null') {
      throw new RestError(400, 'PGRST120', `Bad operator on the '${filter.field.name}' embedded resource`, 'Only is null or not is null filters are allowed on embedded resources')
    }
    return { kind: 'embed', embed, isNull: !filter.expr.negated }
  }
  return { kind: 'sql', sql: operationSql(fieldExpression(node, node.alias, filter.field), filter.expr, ctx.params) }
}

function planTree(node: ReadNode, tree: LogicTree, ctx: PlanContext): Condition {
  if (tree.kind === 'filter') return planFilter(node, tree.filter, ctx)
  return {
    kind: 'tree',
    operator: tree.operator === 'and' ? 'AND' : 'OR',
    negated: tree.negated,
    children: tree.children.map(child => planTree(node, child, ctx)),
  }
}

function planOrder(node: ReadNode, term: OrderTerm, sourceName: string): string {
  let column: string
  if (term.relation !== undefined) {
    const embed = findEmbed(node, term.relation)
    if (!embed) throw notEmbedded(term.relation)
    if (!embed.toOne) {
      throw new RestError(400, 'PGRST118', `A related order on '${term.relation}' is not possible`, `'${sourceName}' and '${term.relation}' do not form a many-to-one or one-to-one relationship`)
    }
    column = columnExpression(embed.lateral, term.field)
  }
  else {
    column = fieldExpression(node, node.alias, term.field)
  }
  const direction = term.direction ? ` ${term.direction.toUpperCase()}` : ''
  const nulls = term.nulls ? ` NULLS ${term.nulls.toUpperCase()}` : ''
  return `${column}${direction}${nulls}`
}

export function notEmbedded(name: string): RestError {
  return new RestError(400, 'PGRST108', `'${name}' is not an embedded resource in this request`, null, `Verify that '${name}' is included in the 'select' query parameter.`)
}

/** Every filter, order, logic tree and range must address an embedding of the select tree. */
export function checkPaths(ctx: PlanContext): void {
  const paths = [
    ...ctx.query.filters.map(entry => entry.path),
    ...ctx.query.logic.map(entry => entry.path),
    ...ctx.query.order.map(entry => entry.path),
    ...[...ctx.query.ranges.keys()].map(key => (key === '' ? [] : key.split('\u0000'))),
  ]
  for (const path of paths) {
    if (!ctx.knownPaths.has(pathKey(path))) throw notEmbedded(path.at(-1)!)
  }
}

// --- relationships --------------------------------------------------------------------------

function singleColumn(relationship: Relationship, side: 0 | 1): string | undefined {
  return relationship.columns.length === 1 ? relationship.columns[0]![side] : undefined
}

/**
 * PostgREST's findRel: the target names the table (or view), a foreign key, or a foreign key's
 * column (those two only towards tables); a hint then picks by foreign key, either column or
 * junction. A self-referencing key gives the children by table name and the parent by column name.
 * A computed relationship is named by its function.
 */
export function findRelationship(ctx: PlanContext, origin: Table, target: string, hint?: string): Relationship {
  const all = (ctx.cache.relationships.get(qualified(origin.schema, origin.name)) ?? [])
    .filter(rel => rel.table.schema === ctx.schema && rel.foreignTable.schema === ctx.schema)
  const byKey = (rel: Relationship) => rel.cardinality !== 'm2m' && rel.cardinality !== 'computed'
  const matchesConstraint = (rel: Relationship, name: string) => byKey(rel) && rel.constraint === name
  const matchesColumn = (rel: Relationship, name: string) => byKey(rel) && singleColumn(rel, 0) === name
  const matchesReferencedColumn = (rel: Relationship, name: string) => byKey(rel) && singleColumn(rel, 1) === name
  const matches = all.filter((rel) => {
    if (rel.function) return rel.function.name === target
    const named = rel.foreignTable.name === target
    if (rel.table === rel.foreignTable) {
      if (hint === undefined) return (named && rel.cardinality === 'o2m') || (matchesColumn(rel, target) && rel.cardinality === 'm2o')
      return named && rel.cardinality === 'o2m' && matchesReferencedColumn(rel, hint)
    }
    if (hint === undefined) {
      return named || (!rel.foreignTable.isView && (matchesConstraint(rel, target) || matchesColumn(rel, target)))
    }
    return named && (matchesConstraint(rel, hint) || matchesColumn(rel, hint) || matchesReferencedColumn(rel, hint)
      || (rel.cardinality === 'm2m' && rel.junction?.table.name === hint))
  })
  if (matches.length === 1) return matches[0]!
  if (matches.length === 0) throw noRelationship(ctx, origin.name, target, hint)
  throw ambiguous(origin.name, target, matches)
}

function noRelationship(ctx: PlanContext, parent: string, child: string, hint?: string): RestError {
  const relationshipsOfParent = ctx.cache.relationships.get(qualified(ctx.schema, parent))
  let suggestion: string | undefined
  if (relationshipsOfParent) {
    const candidate = closest(child, new Set(relationshipsOfParent.map(rel => rel.foreignTable.name)), 0.33)
    if (candidate && candidate !== child) suggestion = `Perhaps you meant '${candidate}' instead of '${child}'.`
  }
  else {
    const parents = [...ctx.cache.relationships.keys()].filter(key => key.startsWith(`${ctx.schema}\u0000`)).map(key => key.slice(ctx.schema.length + 1))
    const candidate = closest(parent, parents, 0.33)
    if (candidate && candidate !== parent) suggestion = `Perhaps you meant '${candidate}' instead of '${parent}'.`
  }
  return new RestError(400, 'PGRST200', `Could not find a relationship between '${parent}' and '${child}' in the schema cache`,
    `Searched for a foreign key relationship between '${parent}' and '${child}${hint !== undefined ? `' using the hint '${hint}` : ''}' in the schema '${ctx.schema}', but no matches were found.`,
    suggestion ?? null)
}

function ambiguous(parent: string, child: string, relationships: Relationship[]): RestError {
  const list = (columns: string[]) => `(${columns.join(', ')})`
  const details = relationships.map((rel) => {
    const embedding = `${rel.table.name} with ${rel.foreignTable.name}`
    if (rel.junction) {
      const j = rel.junction
      return { cardinality: 'many-to-many', embedding, relationship: `${j.table.name} using ${j.constraint1}${list(j.sourceColumns.map(([c]) => c))} and ${j.constraint2}${list(j.targetColumns.map(([c]) => c))}` }
    }
    const cardinality = { m2o: 'many-to-one', o2m: 'one-to-many', o2o: 'one-to-one', m2m: 'many-to-many', computed: '' }[rel.cardinality]
    return { cardinality, embedding, relationship: `${rel.constraint} using ${rel.table.name}${list(rel.columns.map(([a]) => a))} and ${rel.foreignTable.name}${list(rel.columns.map(([, b]) => b))}` }
  })
  const hints = relationships.map(rel => `'${rel.foreignTable.name}!${rel.junction ? rel.junction.table.name : rel.constraint}'`).join(', ')
  return new RestError(300, 'PGRST201', `Could not embed because more than one relationship was found for '${parent}' and '${child}'`, details,
    `Try changing '${child}' to one of the following: ${hints}. Find the desired relationship in the 'details' key.`)
}

// --- rendering ------------------------------------------------------------------------------

function outputNamesOf(node: ReadNode): string[] {
  return [...node.fields.flatMap(field => field.outputNames), ...node.embeds.flatMap(embed => (embed.spread ? outputNamesOf(embed) : [embed.selName]))]
}

function joinConditions(embed: EmbedNode, parentAlias: string): string[] {
  const rel = embed.relationship
  if (rel.junction && embed.junctionAlias) {
    return [
      ...rel.junction.targetColumns.map(([junctionColumn, column]) => `${embed.junctionAlias}.${ident(junctionColumn)} = ${embed.alias}.${ident(column)}`),
      ...rel.junction.sourceColumns.map(([junctionColumn, column]) => `${embed.junctionAlias}.${ident(junctionColumn)} = ${parentAlias}.${ident(column)}`),
    ]
  }
  // A computed relationship is joined by its function's argument (the parent's row) alone.
  return rel.columns.map(([originColumn, foreignColumn]) => `${embed.alias}.${ident(foreignColumn)} = ${parentAlias}.${ident(originColumn)}`)
}

function fromClause(node: ReadNode): string {
  const embed = node as Partial<EmbedNode>
  const junction = embed.relationship?.junction && embed.junctionAlias
    ? `, ${qualifiedIdent(embed.relationship.junction.table.schema, embed.relationship.junction.table.name)} AS ${embed.junctionAlias}`
    : ''
  return `${node.from} AS ${node.alias}${junction}`
}

function renderCondition(condition: Condition, mode: 'main' | 'count', params: Params, alias: string): string {
  switch (condition.kind) {
    case 'sql':
      return condition.sql
    case 'tree': {
      const inner = condition.children.map(child => renderCondition(child, mode, params, alias)).join(` ${condition.operator} `)
      return `${condition.negated ? 'NOT ' : ''}(${inner})`
    }
    case 'embed': {
      const { embed, isNull } = condition
      if (mode === 'count') return `${isNull ? 'NOT ' : ''}EXISTS (${renderCount(embed, params, joinConditions(embed, alias))})`
      if (embed.toOne) return `${embed.lateral} IS ${isNull ? 'NOT ' : ''}DISTINCT FROM NULL`
      return `${embed.lateral}.${embed.lateral} IS ${isNull ? '' : 'NOT '}NULL`
    }
  }
}

const isEmptyEmbed = (embed: EmbedNode) => embed.fields.length === 0 && embed.embeds.length === 0

/** What an embedding adds to its parent's select list: [expression, output name]. */
function embedOutputs(embed: EmbedNode): Array<[string, string]> {
  if (isEmptyEmbed(embed)) return []
  if (embed.spread) {
    return outputNamesOf(embed).map(name => [embed.toOne ? `${embed.lateral}.${ident(name)}` : `COALESCE(${embed.lateral}.${ident(name)}, '[]')`, name])
  }
  if (embed.toOne) return [[`row_to_json(${embed.lateral}.*)::jsonb`, embed.selName]]
  return [[`COALESCE(${embed.lateral}.${embed.lateral}, '[]')`, embed.selName]]
}

function embedJoin(embed: EmbedNode, parentAlias: string, params: Params): string {
  const join = embed.joinType === 'inner' ? 'INNER' : 'LEFT'
  const sub = renderRead(embed, params, joinConditions(embed, parentAlias))
  if (embed.toOne) return `${join} JOIN LATERAL (${sub}) AS ${embed.lateral} ON TRUE`
  if (embed.spread) {
    const columns = outputNamesOf(embed).map(name => `json_agg(${embed.lateral}.${ident(name)}) AS ${ident(name)}`)
    const aggregate = [...columns, 'pg_catalog.count(*) AS pgrst_rows'].join(', ')
    return `${join} JOIN LATERAL (SELECT ${aggregate} FROM (${sub}) AS ${embed.lateral}) AS ${embed.lateral} ON ${embed.joinType === 'inner' ? `${embed.lateral}.pgrst_rows > 0` : 'TRUE'}`
  }
  return `${join} JOIN LATERAL (SELECT json_agg(${embed.lateral})::jsonb AS ${embed.lateral} FROM (${sub}) AS ${embed.lateral}) AS ${embed.lateral} ON ${embed.joinType === 'inner' ? `${embed.lateral}.${embed.lateral} IS NOT NULL` : 'TRUE'}`
}

function rangeSql(range: Range | undefined, params: Params): string {
  if (!range) return ''
  const limit = range.limit !== undefined ? ` LIMIT ${params.bind(String(range.limit))}` : ''
  const offset = range.offset ? ` OFFSET ${params.bind(String(range.offset))}` : ''
  return limit + offset
}

/** The SELECT for one level (the root, or the inside of an embedding's LATERAL subquery). */
export function renderRead(node: ReadNode, params: Params, extraConditions: string[] = []): string {
  const embedded = node.embeds.flatMap(embedOutputs)
  const selects = [...node.fields.map(field => field.sql), ...embedded.map(([expression, name]) => `${expression} AS ${ident(name)}`)]
  const joins = node.embeds.map(embed => ` ${embedJoin(embed, node.alias, params)}`).join('')
  const where = [...extraConditions, ...node.conditions.map(condition => renderCondition(condition, 'main', params, node.alias))]
  let sql = `SELECT ${selects.join(', ')} FROM ${fromClause(node)}${joins}`
  if (where.length) sql += ` WHERE ${where.join(' AND ')}`
  if (node.fields.some(field => field.aggregate)) {
    const groups = [...node.fields.filter(field => !field.aggregate).map(field => field.expression), ...embedded.map(([expression]) => expression)]
    if (groups.length) sql += ` GROUP BY ${groups.join(', ')}`
  }
  if (node.order.length) sql += ` ORDER BY ${node.order.join(', ')}`
  return sql + rangeSql(node.range, params)
}

/**
 * Rows the root would return without limit/offset, for `Prefer: count`: only its filters, with
 * inner-joined embeddings and null filters on embeddings as EXISTS.
 */
export function renderCount(node: ReadNode, params: Params, extraConditions: string[] = []): string {
  const where = [
    ...extraConditions,
    ...node.conditions.map(condition => renderCondition(condition, 'count', params, node.alias)),
    ...node.embeds.filter(child => child.joinType === 'inner').map(child => `EXISTS (${renderCount(child, params, joinConditions(child, node.alias))})`),
  ]
  return `SELECT 1 FROM ${fromClause(node)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`
}

/** Root-level columns the read needs from its source (for RETURNING), or null for all. */
export function sourceColumns(node: ReadNode, allColumns: string[]): string[] | null {
  if (node.fields.some(field => field.expression === `${node.alias}.*`)) return null
  const needed = new Set<string>()
  const prefix = `${node.alias}.`
  for (const field of node.fields) {
    for (const match of field.expression.matchAll(new RegExp(`${escapeRegExp(prefix)}("(?:[^"]|"")*")`, 'g'))) {
      needed.add(match[1]!.slice(1, -1).replaceAll('""', '"'))
    }
  }
  for (const embed of node.embeds) {
    const rel = embed.relationship
    if (rel.function) return null
    for (const [column] of rel.junction ? rel.junction.sourceColumns.map(([, c]) => [c]) : rel.columns) needed.add(column!)
  }
  for (const condition of node.order) {
    for (const match of condition.matchAll(new RegExp(`${escapeRegExp(prefix)}("(?:[^"]|"")*")`, 'g'))) needed.add(match[1]!.slice(1, -1).replaceAll('""', '"'))
  }
  return allColumns.filter(column => needed.has(column))
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** The root's filters and logic trees as WHERE conditions of an UPDATE/DELETE on `alias`. */
export function planRootWhere(ctx: PlanContext, table: Table, alias: string): string[] {
  const node: ReadNode = { table, starColumns: null, from: '', alias, fields: [], embeds: [], conditions: [], order: [] }
  const conditions = [
    ...ctx.query.filters.filter(entry => entry.path.length === 0).map(entry => planFilter(node, entry.filter, ctx)),
    ...ctx.query.logic.filter(entry => entry.path.length === 0).map(entry => planTree(node, entry.tree, ctx)),
  ]
  return conditions.map(condition => renderCondition(condition, 'main', ctx.params, alias))
}

/** The query without root filters (a mutation applies them to its WHERE, not to what it returns). */
export function withoutRootConditions(query: QueryParams): QueryParams {
  return { ...query, filters: query.filters.filter(entry => entry.path.length > 0), logic: query.logic.filter(entry => entry.path.length > 0) }
}
