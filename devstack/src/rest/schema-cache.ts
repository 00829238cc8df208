// PostgREST's schema cache, read from the catalogs: relations and their columns, keys, the
// relationships embedding uses (foreign keys, also through views, one-to-one and many-to-many via
// junction tables), functions and their parameters, and the API roles' settings. Reloaded on
// `NOTIFY pgrst, 'reload schema'` (the platform's event triggers send it after DDL).
import type { Sql } from 'postgres'

export interface Column {
  name: string
  /** `format_type()`: usable verbatim in SQL (`character varying(20)`, `public.mood[]`). */
  type: string
  nullable: boolean
  default: string | null
  identity: '' | 'a' | 'd'
  description: string | null
  enumValues: string[] | null
}

export interface Table {
  oid: number
  schema: string
  name: string
  description: string | null
  columns: Column[]
  columnsByName: Map<string, Column>
  primaryKey: string[]
  /** Computed fields: functions taking this table's row type and returning a scalar. */
  computed: Map<string, Routine>
  insertable: boolean
  updatable: boolean
  deletable: boolean
  /** A view or materialized view (embedding by constraint or column name skips them, as PostgREST). */
  isView: boolean
}

/** m2o/o2m/o2o/m2m from foreign keys; `computed`: a function of the origin's row returning rows of the target. */
export type Cardinality = 'm2o' | 'o2m' | 'o2o' | 'm2m' | 'computed'

export interface Junction {
  table: Table
  constraint1: string
  constraint2: string
  /** [junction column, origin column] */
  sourceColumns: Array<[string, string]>
  /** [junction column, foreign column] */
  targetColumns: Array<[string, string]>
}

export interface Relationship {
  table: Table
  foreignTable: Table
  cardinality: Cardinality
  /** The origin holds the foreign key (many-to-one, or the key side of a one-to-one). */
  originHoldsKey: boolean
  constraint: string
  /** [origin column, foreign column]; empty for many-to-many. */
  columns: Array<[string, string]>
  junction?: Junction
  /** A computed relationship's function (`table` is its argument's table, `foreignTable` its result's). */
  function?: { schema: string, name: string, toOne: boolean }
}

export interface RoutineParam { name: string, type: string, mode: 'i' | 'o' | 'b' | 'v' | 't', hasDefault: boolean }

export interface Routine {
  schema: string
  name: string
  /** Input parameters (IN, INOUT, VARIADIC) in order. */
  params: RoutineParam[]
  volatility: 'v' | 's' | 'i'
  returnsSet: boolean
  /** The table (or composite type) a function returns rows of. */
  returnTable: Table | null
  /** Columns of `RETURNS TABLE (…)` / OUT parameters. */
  outColumns: RoutineParam[]
  returnsScalar: boolean
  returnsVoid: boolean
  settings: Array<[string, string]>
  description: string | null
}

export interface SchemaCache {
  schemas: string[]
  tables: Map<string, Table>
  relationships: Map<string, Relationship[]>
  routines: Map<string, Routine[]>
  roleSettings: Map<string, Array<[string, string]>>
  aggregatesEnabled: boolean
  /** `pgrst.db_tx_end` on authenticator: rollback (all) and whether `Prefer: tx` may override it. */
  txEnd: { rollbackAll: boolean, allowOverride: boolean }
  /** `pgrst.db_plan_enabled`: the vnd.pgrst.plan media type (EXPLAIN) is on offer. */
  planEnabled: boolean
}

export const qualified = (schema: string, name: string) => `${schema}\u0000${name}`

interface RelationRow { oid: number, schema: string, name: string, kind: string, description: string | null, insertable: boolean, updatable: boolean, deletable: boolean }
interface ColumnRow { relid: number, name: string, type: string, nullable: boolean, default: string | null, identity: string, description: string | null, enum_values: string[] | null, attnum: number }
interface ConstraintRow { name: string, type: string, relid: number, frelid: number, keys: number[], fkeys: number[] | null }
interface ViewRow { relid: number, action: string }
interface RoutineRow {
  schema: string
  name: string
  volatility: string
  returns_set: boolean
  return_type: string
  return_typtype: string
  return_relid: number
  defaults: number
  rows: number
  settings: string[] | null
  description: string | null
  args: Array<{ name: string, type: string, mode: string, relid: number }>
}
interface RoleSettingRow { role: string, settings: string[] }

export async function loadSchemaCache(sql: Sql, schemas: string[]): Promise<SchemaCache> {
  // An empty search_path makes format_type() and pg_get_expr() qualify every non-catalog name, so
  // types and default expressions can be put into queries that run under any search_path.
  const [, relations, columns, constraints, views, routines, roleSettings] = await sql.begin('isolation level repeatable read read only', tx => [
    tx`select set_config('search_path', '', true)`,
    tx<RelationRow[]>`
      select c.oid, n.nspname as schema, c.relname as name, c.relkind::text as kind,
        obj_description(c.oid, 'pg_class') as description,
        c.relkind in ('r', 'p') or (pg_relation_is_updatable(c.oid, true) & 8) = 8 as insertable,
        c.relkind in ('r', 'p') or (pg_relation_is_updatable(c.oid, true) & 4) = 4 as updatable,
        c.relkind in ('r', 'p') or (pg_relation_is_updatable(c.oid, true) & 16) = 16 as deletable
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'v', 'm', 'f', 'p', 'c')
        and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'`,
    tx<ColumnRow[]>`
      select a.attrelid as relid, a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
        not a.attnotnull as nullable, pg_get_expr(d.adbin, d.adrelid) as default,
        a.attidentity::text as identity, col_description(a.attrelid, a.attnum) as description,
        case when t.typtype = 'e' then array(select e.enumlabel::text from pg_enum e where e.enumtypid = t.oid order by e.enumsortorder) end as enum_values,
        a.attnum
      from pg_attribute a
      join pg_class c on c.oid = a.attrelid
      join pg_namespace n on n.oid = c.relnamespace
      join pg_type t on t.oid = a.atttypid
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'v', 'm', 'f', 'p', 'c')
        and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
      order by a.attrelid, a.attnum`,
    tx<ConstraintRow[]>`
      select con.conname as name, con.contype::text as type, con.conrelid as relid, con.confrelid as frelid,
        con.conkey::int4[] as keys, con.confkey::int4[] as fkeys
      from pg_constraint con
      join pg_class c on c.oid = con.conrelid
      join pg_namespace n on n.oid = c.relnamespace
      where con.contype in ('p', 'u', 'f') and n.nspname not in ('pg_catalog', 'information_schema')
      order by con.conrelid, con.conname`,
    tx<ViewRow[]>`
      select r.ev_class as relid, r.ev_action::text as action
      from pg_rewrite r
      join pg_class c on c.oid = r.ev_class
      join pg_namespace n on n.oid = c.relnamespace
      where r.rulename = '_RETURN' and c.relkind in ('v', 'm') and n.nspname not in ('pg_catalog', 'information_schema')`,
    tx<RoutineRow[]>`
      select n.nspname as schema, p.proname as name, p.provolatile::text as volatility, p.proretset as returns_set,
        format_type(p.prorettype, null) as return_type, rt.typtype::text as return_typtype, rt.typrelid as return_relid,
        p.pronargdefaults as defaults, p.prorows::float8 as rows, p.proconfig as settings, obj_description(p.oid, 'pg_proc') as description,
        coalesce((
          select json_agg(json_build_object('name', coalesce(p.proargnames[x.i], ''), 'type', format_type(x.t, null),
            'mode', coalesce(p.proargmodes[x.i]::text, 'i'), 'relid', (select t.typrelid::int8 from pg_type t where t.oid = x.t)) order by x.i)
          from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality as x(t, i)
        ), '[]') as args
      from pg_proc p
      join pg_namespace n on n.oid = p.pronamespace
      join pg_type rt on rt.oid = p.prorettype
      where n.nspname = any(${schemas}::text[]) and p.prokind = 'f'`,
    tx<RoleSettingRow[]>`
      select r.rolname as role, s.setconfig as settings
      from pg_db_role_setting s
      join pg_roles r on r.oid = s.setrole
      where s.setdatabase in (0, (select oid from pg_database where datname = current_database()))
        and (r.rolname = current_user or r.oid in (select roleid from pg_auth_members where member = current_user::regrole))
      order by s.setdatabase`,
  ])

  const byOid = new Map<number, Table>()
  const tables = new Map<string, Table>()
  /** Tables, views, foreign and partitioned tables: what a computed relationship may take and give. */
  const relationOids = new Set(relations.filter(row => row.kind !== 'c').map(row => row.oid))
  for (const row of relations) {
    const table: Table = {
      oid: row.oid, schema: row.schema, name: row.name,
      description: row.description, columns: [], columnsByName: new Map(), primaryKey: [], computed: new Map(),
      insertable: row.insertable, updatable: row.updatable, deletable: row.deletable, isView: row.kind === 'v' || row.kind === 'm',
    }
    byOid.set(row.oid, table)
    if (schemas.includes(row.schema) && row.kind !== 'c') tables.set(qualified(row.schema, row.name), table)
  }
  const attnames = new Map<string, string>()
  for (const row of columns) {
    const table = byOid.get(row.relid)
    if (!table) continue
    const column: Column = {
      name: row.name, type: row.type, nullable: row.nullable, default: row.default,
      identity: row.identity as Column['identity'], description: row.description, enumValues: row.enum_values,
    }
    table.columns.push(column)
    table.columnsByName.set(row.name, column)
    attnames.set(`${row.relid}:${row.attnum}`, row.name)
  }
  const attname = (relid: number, attnum: number) => attnames.get(`${relid}:${attnum}`)

  const uniqueKeys = new Map<number, Array<Set<string>>>()
  const foreignKeys: Array<{ name: string, relid: number, frelid: number, keys: number[], fkeys: number[] }> = []
  for (const row of constraints) {
    const table = byOid.get(row.relid)
    if (!table) continue
    if (row.type === 'f' && row.fkeys) {
      foreignKeys.push({ name: row.name, relid: row.relid, frelid: row.frelid, keys: row.keys, fkeys: row.fkeys })
      continue
    }
    const names = row.keys.map(key => attname(row.relid, key) ?? '')
    if (row.type === 'p') table.primaryKey = names
    uniqueKeys.set(row.relid, [...(uniqueKeys.get(row.relid) ?? []), new Set(names)])
  }

  // Which base-table column each view column shows: (view oid) → base oid → attnum → view column.
  // Only the view's own target list counts, followed through views of views (as PostgREST's
  // allViewsKeyDependencies does), so columns of subqueries inside the view never stand in.
  const targets = new Map(views.map(view => [view.relid, topLevelTargets(view.action)]))
  const baseOf = (relid: number, attnum: number, seen = new Set<number>()): [number, number] | null => {
    const viewTargets = targets.get(relid)
    if (!viewTargets) return [relid, attnum]
    if (seen.has(relid)) return null
    seen.add(relid)
    const target = viewTargets.find(entry => entry.resno === attnum)
    return target ? baseOf(target.table, target.column, seen) : null
  }
  const viewOrigins = new Map<number, Map<number, Map<number, string>>>()
  for (const view of views) {
    const origins = new Map<number, Map<number, string>>()
    const viewTable = byOid.get(view.relid)
    for (const target of targets.get(view.relid) ?? []) {
      const name = attname(view.relid, target.resno)
      const base = baseOf(target.table, target.column)
      if (!name || !base) continue
      const columnsOfBase = origins.get(base[0]) ?? new Map<number, string>()
      if (!columnsOfBase.has(base[1])) columnsOfBase.set(base[1], name)
      origins.set(base[0], columnsOfBase)
    }
    viewOrigins.set(view.relid, origins)
    // A view shows its base table's primary key when it exposes all of its columns.
    if (viewTable) {
      for (const [baseOid, columnsOfBase] of origins) {
        const base = byOid.get(baseOid)
        if (!base || base.primaryKey.length === 0 || viewTable.primaryKey.length > 0) continue
        const mapped = base.primaryKey.map(name => [...columnsOfBase].find(([attnum]) => attname(baseOid, attnum) === name)?.[1])
        if (mapped.every(name => name !== undefined)) viewTable.primaryKey = mapped as string[]
      }
    }
  }

  /** The table itself and every exposed view showing all of `attnums`, with the column names there. */
  const standIns = (relid: number, attnums: number[]): Array<{ table: Table, columns: string[] }> => {
    const result: Array<{ table: Table, columns: string[] }> = []
    const base = byOid.get(relid)
    if (base) result.push({ table: base, columns: attnums.map(n => attname(relid, n) ?? '') })
    for (const [viewOid, origins] of viewOrigins) {
      const shown = origins.get(relid)
      const view = byOid.get(viewOid)
      if (!shown || !view) continue
      const names = attnums.map(n => shown.get(n))
      if (names.every(name => name !== undefined)) result.push({ table: view, columns: names as string[] })
    }
    return result
  }

  const isExposed = (table: Table) => schemas.includes(table.schema)
  const relationships: Relationship[] = []
  const manyToOne: Relationship[] = []
  for (const fk of foreignKeys) {
    const sourceIsUnique = (uniqueKeys.get(fk.relid) ?? []).some(key => key.size === fk.keys.length && fk.keys.every(n => key.has(attname(fk.relid, n) ?? '')))
    for (const source of standIns(fk.relid, fk.keys)) {
      for (const target of standIns(fk.frelid, fk.fkeys)) {
        const pairs = source.columns.map((column, i): [string, string] => [column, target.columns[i]!])
        const forward: Relationship = { table: source.table, foreignTable: target.table, cardinality: sourceIsUnique ? 'o2o' : 'm2o', originHoldsKey: true, constraint: fk.name, columns: pairs }
        manyToOne.push({ ...forward, cardinality: 'm2o' })
        if (!isExposed(source.table) || !isExposed(target.table)) continue
        relationships.push(forward)
        relationships.push({ table: target.table, foreignTable: source.table, cardinality: sourceIsUnique ? 'o2o' : 'o2m', originHoldsKey: false, constraint: fk.name, columns: pairs.map(([a, b]) => [b, a]) })
      }
    }
  }
  // Many-to-many: a junction whose primary key covers its foreign keys to both sides.
  for (const left of manyToOne) {
    for (const right of manyToOne) {
      if (left.table !== right.table || left.constraint === right.constraint) continue
      const junction = left.table
      const primaryKey = new Set(junction.primaryKey)
      if (![...left.columns, ...right.columns].every(([column]) => primaryKey.has(column))) continue
      if (!isExposed(left.foreignTable) || !isExposed(right.foreignTable)) continue
      relationships.push({
        table: left.foreignTable,
        foreignTable: right.foreignTable,
        cardinality: 'm2m',
        originHoldsKey: false,
        constraint: junction.name,
        columns: [],
        junction: {
          table: junction, constraint1: left.constraint, constraint2: right.constraint,
          sourceColumns: left.columns, targetColumns: right.columns,
        },
      })
    }
  }
  const relationshipMap = new Map<string, Relationship[]>()
  for (const relationship of relationships) {
    const key = qualified(relationship.table.schema, relationship.table.name)
    relationshipMap.set(key, [...(relationshipMap.get(key) ?? []), relationship])
  }

  const routineMap = new Map<string, Routine[]>()
  for (const row of routines) {
    const inputs = row.args.filter(arg => arg.mode === 'i' || arg.mode === 'b' || arg.mode === 'v')
    const outs = row.args.filter(arg => arg.mode === 'o' || arg.mode === 'b' || arg.mode === 't')
    const params = inputs.map((arg, i): RoutineParam => ({
      name: arg.name, type: arg.type, mode: arg.mode as RoutineParam['mode'], hasDefault: i >= inputs.length - row.defaults,
    }))
    const returnTable = row.return_typtype === 'c' ? byOid.get(row.return_relid) ?? null : null
    const returnsRecordColumns = row.return_type === 'record' && outs.length > 0
    const routine: Routine = {
      schema: row.schema,
      name: row.name,
      params,
      volatility: row.volatility as Routine['volatility'],
      returnsSet: row.returns_set,
      returnTable,
      outColumns: returnsRecordColumns ? outs.map(arg => ({ name: arg.name, type: arg.type, mode: arg.mode as RoutineParam['mode'], hasDefault: false })) : [],
      returnsScalar: !returnTable && !returnsRecordColumns && row.return_type !== 'void',
      returnsVoid: row.return_type === 'void',
      settings: (row.settings ?? []).map(splitSetting),
      description: row.description,
    }
    const key = qualified(row.schema, row.name)
    if (isCallable(inputs)) routineMap.set(key, [...(routineMap.get(key) ?? []), routine])
    const rowOf = inputs.length === 1 ? byOid.get(inputs[0]!.relid) : undefined
    if (rowOf && routine.returnsScalar && !routine.returnsSet && !rowOf.columnsByName.has(routine.name)) rowOf.computed.set(routine.name, routine)
    // Computed relationship (allComputedRels): one argument of a relation's row type, rows of a relation out.
    if (rowOf && relationOids.has(inputs[0]!.relid) && returnTable && relationOids.has(row.return_relid) && rowOf.schema === row.schema) {
      const computed: Relationship = {
        table: rowOf, foreignTable: returnTable, cardinality: 'computed', originHoldsKey: false, constraint: row.name, columns: [],
        function: { schema: row.schema, name: row.name, toOne: !row.returns_set || row.rows === 1 },
      }
      const relKey = qualified(rowOf.schema, rowOf.name)
      relationshipMap.set(relKey, [...(relationshipMap.get(relKey) ?? []), computed])
    }
  }

  for (const overloads of routineMap.values()) overloads.sort(compareOverloads)

  const settings = new Map<string, Array<[string, string]>>()
  for (const row of roleSettings) {
    const merged = new Map(settings.get(row.role) ?? [])
    for (const setting of row.settings) {
      const [key, value] = splitSetting(setting)
      merged.set(key, value)
    }
    settings.set(row.role, [...merged])
  }
  const inDatabaseConfig = new Map(settings.get('authenticator') ?? [])

  return {
    schemas,
    tables,
    relationships: relationshipMap,
    routines: routineMap,
    roleSettings: new Map([...settings].map(([role, list]) => [role, list.filter(([key]) => !key.startsWith('pgrst.') && key !== 'default_transaction_isolation')])),
    aggregatesEnabled: inDatabaseConfig.get('pgrst.db_aggregates_enabled') === 'true',
    txEnd: txEndSetting(inDatabaseConfig.get('pgrst.db_tx_end')),
    planEnabled: inDatabaseConfig.get('pgrst.db_plan_enabled') === 'true',
  }
}

/** PostgREST's parseTxEnd; an unknown value keeps the default (PostgREST refuses to load it). */
function txEndSetting(value: string | undefined): SchemaCache['txEnd'] {
  return {
    rollbackAll: value === 'rollback' || value === 'rollback-allow-override',
    allowOverride: value === 'commit-allow-override' || value === 'rollback-allow-override',
  }
}

export interface ViewTarget { resno: number, table: number, column: number }

/**
 * The target entries of a view's own query in its pg_node_tree (`ev_action`): skips nested nodes
 * (subqueries in FROM, sublinks) by brace depth, so only the top-level `:targetList` is read.
 */
export function topLevelTargets(action: string): ViewTarget[] {
  let depth = 0
  let listStart = -1
  for (let i = 0; i < action.length; i++) {
    const char = action[i]
    if (char === '\\') {
      i++
      continue
    }
    if (char === '{') depth++
    else if (char === '}') depth--
    else if (depth === 1 && action.startsWith(' :targetList ', i)) {
      listStart = i + ' :targetList '.length
      break
    }
  }
  if (listStart < 0 || action[listStart] !== '(') return []
  const entries: string[] = []
  depth = 0
  let entryStart = -1
  for (let i = listStart + 1; i < action.length; i++) {
    const char = action[i]
    if (char === '\\') {
      i++
      continue
    }
    if (char === '{') {
      if (depth === 0) entryStart = i
      depth++
    }
    else if (char === '}') {
      depth--
      if (depth === 0) entries.push(action.slice(entryStart, i + 1))
    }
    else if (char === ')' && depth === 0) break
  }
  return entries.flatMap((entry) => {
    const match = / :resno (\d+) :resname \S+ :ressortgroupref \d+ :resorigtbl (\d+) :resorigcol (\d+) :resjunk false\}$/.exec(entry)
    return match && match[2] !== '0' ? [{ resno: Number(match[1]), table: Number(match[2]), column: Number(match[3]) }] : []
  })
}

/**
 * PostgREST leaves out functions it cannot call by name: more than one unnamed parameter, or an
 * unnamed one that is not bytea, json, jsonb, text or xml (the bodies it can hand over whole).
 */
function isCallable(inputs: Array<{ name: string, type: string }>): boolean {
  const unnamed = inputs.filter(arg => arg.name === '')
  return unnamed.length === 0 || (unnamed.length === 1 && ['bytea', 'json', 'jsonb', 'text', 'xml'].includes(unnamed[0]!.type))
}

/** PostgREST's Ord Routine: fewer parameters first, then description and parameters compared in turn. */
function compareOverloads(a: Routine, b: Routine): number {
  if (a.params.length !== b.params.length) return a.params.length - b.params.length
  const text = (x: string | null, y: string | null) => (x === y ? 0 : x === null ? -1 : y === null ? 1 : x < y ? -1 : 1)
  const byDescription = text(a.description, b.description)
  if (byDescription) return byDescription
  for (let i = 0; i < a.params.length; i++) {
    const [x, y] = [a.params[i]!, b.params[i]!]
    const order = text(x.name, y.name) || text(x.type, y.type) || Number(!x.hasDefault) - Number(!y.hasDefault) || Number(x.mode === 'v') - Number(y.mode === 'v')
    if (order) return order
  }
  return 0
}

function splitSetting(setting: string): [string, string] {
  const at = setting.indexOf('=')
  return [setting.slice(0, at), setting.slice(at + 1)]
}
