// The one statement each request runs (PostgREST's Statements.hs shape, written anew): the work
// in a `pgrst_source` CTE, the response read from it, and the bookkeeping PostgREST reads back in
// the same round trip — page size, optional exact count, the body already serialised by Postgres,
// and the response.headers / response.status settings a function may have set.
export type BodyKind
  = | { kind: 'none' }
    | { kind: 'array', stripNulls: boolean }
    | { kind: 'object', stripNulls: boolean }
    | { kind: 'scalar', set: boolean }
    | { kind: 'csv' }

function rowJson(stripNulls: boolean): string {
  return stripNulls ? 'json_strip_nulls(row_to_json(_postgrest_t))' : '_postgrest_t'
}

function bodySql(body: BodyKind): string {
  switch (body.kind) {
    case 'none':
      return 'NULL'
    case 'array':
      return `coalesce(json_agg(${rowJson(body.stripNulls)}), '[]')::text`
    case 'object':
      return `coalesce((json_agg(${rowJson(body.stripNulls)})->0)::text, 'null')`
    case 'scalar':
      return body.set
        ? 'coalesce(json_agg(_postgrest_t.pgrst_scalar), \'[]\')::text'
        : 'coalesce((json_agg(_postgrest_t.pgrst_scalar)->0)::text, \'null\')'
    case 'csv':
      // Header from the first row's keys, then each row's composite text without its parentheses.
      return '(SELECT coalesce(string_agg(pgrst_keys.k, \',\'), \'\') FROM (SELECT json_object_keys(pgrst_first.r)::text AS k FROM (SELECT row_to_json(pgrst_row) AS r FROM pgrst_result AS pgrst_row LIMIT 1) AS pgrst_first) AS pgrst_keys)'
        + ' || chr(10) || coalesce(string_agg(substring(_postgrest_t::text, 2, length(_postgrest_t::text) - 2), chr(10)), \'\')'
  }
}

export interface StatementParts {
  /** The CTE body: the read, the mutation with RETURNING, or the function call. */
  source: string
  /** The response rows, read from `pgrst_source`. */
  result: string
  /** Rows without limit/offset, for an exact count; omitted when not asked for. */
  count?: string
  body: BodyKind
  /** Columns of the first row to build a Location header from. */
  locationColumns?: string[]
  /** Report the inserted-row counter of an upsert. */
  insertedCounter?: boolean
}

export function mainStatement(parts: StatementParts): string {
  const location = parts.locationColumns?.length
    ? `(SELECT row_to_json(pgrst_first)::text FROM (SELECT ${parts.locationColumns.join(', ')} FROM pgrst_source LIMIT 1) AS pgrst_first)`
    : 'NULL'
  return `WITH pgrst_source AS (${parts.source}), pgrst_result AS (${parts.result}) SELECT `
    + `${parts.count ? `(SELECT pg_catalog.count(*) FROM (${parts.count}) AS pgrst_count)::text` : 'NULL'} AS total, `
    + 'pg_catalog.count(*)::text AS page_total, '
    + `${bodySql(parts.body)} AS body, `
    + 'nullif(current_setting(\'response.headers\', true), \'\') AS response_headers, '
    + 'nullif(current_setting(\'response.status\', true), \'\') AS response_status, '
    + `${parts.insertedCounter ? 'nullif(current_setting(\'pgrst.inserted\', true), \'\')' : 'NULL'} AS inserted, `
    + `${location} AS location `
    + 'FROM pgrst_result AS _postgrest_t'
}

export interface StatementRow {
  total: string | null
  page_total: string
  body: string | null
  response_headers: string | null
  response_status: string | null
  inserted: string | null
  location: string | null
}

/**
 * Renumbers the `$n` placeholders a query part uses so it can run as its own statement (the
 * planner's estimate for `Prefer: count=planned`). Quoted identifiers and literals are skipped.
 */
export function extractParameters(sql: string, values: string[]): { sql: string, values: string[] } {
  const mapping = new Map<number, number>()
  let out = ''
  for (let i = 0; i < sql.length; i++) {
    const char = sql[i]!
    if (char === '"' || char === '\'') {
      let j = i + 1
      while (j < sql.length && !(sql[j] === char && sql[j + 1] !== char)) j += sql[j] === char ? 2 : 1
      out += sql.slice(i, j + 1)
      i = j
      continue
    }
    const match = char === '$' ? /^\$([0-9]+)/.exec(sql.slice(i)) : null
    if (match) {
      const original = Number(match[1])
      if (!mapping.has(original)) mapping.set(original, mapping.size + 1)
      out += `$${mapping.get(original)}`
      i += match[0].length - 1
      continue
    }
    out += char
  }
  return { sql: out, values: [...mapping.keys()].map(index => values[index - 1]!) }
}
