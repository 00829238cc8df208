// INSERT/upsert, UPDATE and DELETE as PostgREST builds them (MutatePlan + QueryBuilder, written
// anew). The JSON body is one bound parameter expanded by json_to_recordset() with the columns'
// catalog types, so values are never spliced into SQL. `Prefer: missing=default` merges each
// row onto an object of the columns' default expressions (from the catalog) first.
import { RestError } from './errors.ts'
import type { Column, Table } from './schema-cache.ts'
import { ident, literal, type Params, qualifiedIdent } from './sql-text.ts'

export interface Payload {
  /** The body as a JSON array text (a single object is wrapped). */
  json: string
  /** The keys of the (first) object, or the `columns` parameter. */
  keys: string[]
}

/** Parses a JSON body; objects in an array must share their keys unless `columns` says which to use. */
export function parsePayload(text: string, columns: string[] | undefined): Payload {
  let value: unknown
  try {
    value = text.trim() === '' ? {} : JSON.parse(text)
  }
  catch {
    throw new RestError(400, 'PGRST102', 'Empty or invalid json')
  }
  const rows = Array.isArray(value) ? value : [value]
  if (!rows.every(row => row !== null && typeof row === 'object' && !Array.isArray(row))) {
    throw new RestError(400, 'PGRST102', 'All object keys must match')
  }
  if (columns) return { json: Array.isArray(value) ? text : `[${text}]`, keys: columns }
  const keys = Object.keys(rows[0] ?? {})
  const sameKeys = (row: object) => {
    const other = Object.keys(row)
    return other.length === keys.length && other.every(key => keys.includes(key))
  }
  if (!rows.every(row => sameKeys(row as object))) throw new RestError(400, 'PGRST102', 'All object keys must match')
  return { json: Array.isArray(value) ? text : `[${text}]`, keys }
}

export function columnsOf(table: Table, keys: string[]): Column[] {
  return keys.map((key) => {
    const column = table.columnsByName.get(key)
    if (!column) throw new RestError(400, 'PGRST204', `Could not find the '${key}' column of '${table.name}' in the schema cache`)
    return column
  })
}

function defaultExpression(table: Table, column: Column): string | null {
  if (column.default !== null) return column.default
  if (column.identity === 'd') return `nextval(pg_get_serial_sequence(${literal(qualifiedIdent(table.schema, table.name))}, ${literal(column.name)}))`
  return null
}

/** `(SELECT … ) AS pgrst_body` with one row per payload element and the given typed columns. */
export function payloadSource(table: Table, columns: Column[], payload: Payload, params: Params, applyDefaults: boolean, limitOne = false): string {
  const body = params.bind(payload.json)
  const limit = limitOne ? ' LIMIT 1' : ''
  if (columns.length === 0) return `(SELECT * FROM json_array_elements(${body}::json) AS _${limit}) AS pgrst_body`
  const definitions = columns.map(column => `${ident(column.name)} ${column.type}`).join(', ')
  const defaults = applyDefaults
    ? columns.flatMap((column) => {
        const expression = defaultExpression(table, column)
        return expression ? [`${literal(column.name)}, ${expression}`] : []
      })
    : []
  if (defaults.length === 0) return `(SELECT * FROM json_to_recordset(${body}::json) AS _(${definitions})${limit}) AS pgrst_body`
  return `(SELECT _.* FROM (SELECT jsonb_agg(jsonb_build_object(${defaults.join(', ')}) || pgrst_element) AS val FROM jsonb_array_elements(${body}::jsonb) AS pgrst_element) AS pgrst_payload, `
    + `LATERAL jsonb_to_recordset(pgrst_payload.val) AS _(${definitions})${limit}) AS pgrst_body`
}

export type Returning = { kind: 'columns', columns: string[] | null } | { kind: 'none' }

function returningSql(alias: string, returning: Returning): string {
  if (returning.kind === 'none') return 'RETURNING 1'
  if (returning.columns === null) return `RETURNING ${alias}.*`
  if (returning.columns.length === 0) return 'RETURNING 1'
  return `RETURNING ${returning.columns.map(column => `${alias}.${ident(column)}`).join(', ')}`
}

/** Counts inserted rows minus conflicting ones in a transaction setting (PostgREST's trick for 201 vs 200). */
const countInserted = (delta: '+' | '-') =>
  `set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) ${delta} 1)::text, true) IS NOT NULL`

export interface InsertOptions {
  table: Table
  columns: Column[]
  payload: Payload
  applyDefaults: boolean
  conflict?: { resolution: 'merge' | 'ignore', columns: string[] }
  returning: Returning
}

export function insertSql(options: InsertOptions, params: Params): string {
  const { table, columns, conflict } = options
  const alias = ident(table.name)
  const target = columns.length ? ` (${columns.map(column => ident(column.name)).join(', ')})` : ''
  const values = columns.map(column => `pgrst_body.${ident(column.name)}`).join(', ')
  let sql = `INSERT INTO ${qualifiedIdent(table.schema, table.name)} AS ${alias}${target} SELECT ${values} FROM ${payloadSource(table, columns, options.payload, params, options.applyDefaults)}`
  if (conflict?.resolution === 'merge') sql += ` WHERE ${countInserted('+')}`
  if (conflict && conflict.columns.length) {
    sql += ` ON CONFLICT (${conflict.columns.map(ident).join(', ')}) `
    if (conflict.resolution === 'ignore' || columns.length === 0) {
      sql += 'DO NOTHING'
    }
    else {
      sql += `DO UPDATE SET ${columns.map(column => `${ident(column.name)} = EXCLUDED.${ident(column.name)}`).join(', ')} WHERE ${countInserted('-')}`
    }
  }
  return `${sql} ${returningSql(alias, options.returning)}`
}

export function updateSql(table: Table, columns: Column[], payload: Payload, where: string[], applyDefaults: boolean, returning: Returning, params: Params): string {
  const alias = ident(table.name)
  if (columns.length === 0) {
    // Nothing to set: PostgREST answers as if no row matched, without touching the table.
    const shape = returning.kind === 'columns' && returning.columns !== null ? returning.columns.map(column => `${alias}.${ident(column)}`).join(', ') || 'NULL' : `${alias}.*`
    return `SELECT ${shape} FROM ${qualifiedIdent(table.schema, table.name)} AS ${alias} WHERE false`
  }
  const assignments = columns.map(column => `${ident(column.name)} = pgrst_body.${ident(column.name)}`).join(', ')
  const whereSql = where.length ? ` WHERE ${where.join(' AND ')}` : ''
  return `UPDATE ${qualifiedIdent(table.schema, table.name)} AS ${alias} SET ${assignments} FROM ${payloadSource(table, columns, payload, params, applyDefaults, true)}${whereSql} ${returningSql(alias, returning)}`
}

export function deleteSql(table: Table, where: string[], returning: Returning): string {
  const alias = ident(table.name)
  const whereSql = where.length ? ` WHERE ${where.join(' AND ')}` : ''
  return `DELETE FROM ${qualifiedIdent(table.schema, table.name)} AS ${alias}${whereSql} ${returningSql(alias, returning)}`
}

/** pg-safeupdate (preloaded for `authenticator` on Supabase) refuses unfiltered writes. */
export function refuseUnfiltered(command: 'UPDATE' | 'DELETE'): RestError {
  return new RestError(400, '21000', `${command} requires a WHERE clause`)
}
