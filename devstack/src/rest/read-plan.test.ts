import { describe, expect, it } from 'vitest'
import { thrown } from '../../../tests/helpers/thrown.ts'
import { RestError } from './errors.ts'
import { columnsOf, insertSql, parsePayload, updateSql } from './mutation.ts'
import { parseQueryParams } from './query-params.ts'
import { checkPaths, newPlanContext, planRead, planRootWhere, renderCount, renderRead } from './read-plan.ts'
import type { Column, Relationship, SchemaCache, Table } from './schema-cache.ts'
import { qualified } from './schema-cache.ts'
import { ident, Params, qualifiedIdent } from './sql-text.ts'
import { sqlRange, topLevelRange } from './ranges.ts'
import { extractParameters } from './statement.ts'

function table(name: string, columns: Array<[string, string]>, primaryKey = ['id']): Table {
  const list: Column[] = columns.map(([columnName, type]) => ({
    name: columnName, type, nullable: true, default: null, identity: '', description: null, enumValues: null,
  }))
  return {
    oid: 0, schema: 'public', name, description: null, columns: list,
    columnsByName: new Map(list.map(column => [column.name, column])), primaryKey, computed: new Map(), insertable: true, updatable: true, deletable: true, isView: false,
  }
}

const owners = table('owners', [['id', 'bigint'], ['name', 'text']])
const items = table('items', [['id', 'bigint'], ['name', 'text'], ['owner_id', 'bigint'], ['reviewer_id', 'bigint'], ['data', 'jsonb']])
const manyToOne = (constraint: string, column: string): Relationship => ({ table: items, foreignTable: owners, cardinality: 'm2o', originHoldsKey: true, constraint, columns: [[column, 'id']] })
const oneToMany = (constraint: string, column: string): Relationship => ({ table: owners, foreignTable: items, cardinality: 'o2m', originHoldsKey: false, constraint, columns: [['id', column]] })

const cache: SchemaCache = {
  schemas: ['public'],
  tables: new Map([[qualified('public', 'owners'), owners], [qualified('public', 'items'), items]]),
  relationships: new Map([
    [qualified('public', 'items'), [manyToOne('items_owner_id_fkey', 'owner_id'), manyToOne('items_reviewer_id_fkey', 'reviewer_id')]],
    [qualified('public', 'owners'), [oneToMany('items_owner_id_fkey', 'owner_id'), oneToMany('items_reviewer_id_fkey', 'reviewer_id')]],
  ]),
  routines: new Map(),
  roleSettings: new Map(),
  aggregatesEnabled: false,
  txEnd: { rollbackAll: false, allowOverride: false },
  planEnabled: false,
}

function plan(root: Table, search: string, aggregatesEnabled = false): { sql: string, count: string, values: string[] } {
  const params = new Params()
  const query = parseQueryParams(new URLSearchParams(search), false)
  const ctx = newPlanContext({ ...cache, aggregatesEnabled }, 'public', params, query)
  const node = planRead(ctx, { table: root, starColumns: null, from: qualifiedIdent('public', root.name), alias: ident(root.name) }, query.select, [], root.name)
  checkPaths(ctx)
  const range = sqlRange(topLevelRange('GET', query.ranges.get(''), undefined, null))
  if (range) node.range = range
  return { sql: renderRead(node, params), count: renderCount(node, params), values: params.values }
}

describe('values are always bound, names always quoted', () => {
  const evil = '\'; drop table items; --'

  it('binds filter values of every operator, also inside logic trees', () => {
    const search = new URLSearchParams({
      'select': 'id',
      'name': `eq.${evil}`,
      'data->>k': `like.${evil}*`,
      'id': `in.(1,"${evil.replaceAll('"', '\\"')}")`,
      'or': `(name.ilike.${evil.replaceAll(',', '')},and(name.fts(english).${evil.replaceAll(',', '')},name.neq.x))`,
    }).toString()
    const { sql, values } = plan(items, search)
    expect(sql).not.toContain('drop table')
    expect(values.some(value => value.includes('drop table items'))).toBe(true)
    expect(sql).toContain('"items"."name" = $1')
    expect(sql).toContain('"items"."data"->>\'k\' LIKE $2')
    expect(values[1]).toBe(`${evil}%`)
    expect(sql).toContain('= ANY ($3)')
  })

  it('quotes hostile column names, aliases, JSON keys and order terms', () => {
    const search = new URLSearchParams({
      'select': '"x\\"; drop table items; --":name,data->"it\'s"',
      '"a\\"b"': 'eq.1',
      'order': '"c\\"d".desc.nullslast',
    }).toString()
    const { sql } = plan(items, search)
    expect(sql).toContain('"items"."name" AS "x""; drop table items; --"')
    expect(sql).toContain('"items"."data"->\'it\'\'s\' AS "it\'s"')
    expect(sql).toContain('"items"."a""b" = $1')
    expect(sql).toContain('ORDER BY "items"."c""d" DESC NULLS LAST')
  })

  it('casts only to plain type names inside CAST( … )', () => {
    expect(plan(items, 'select=id::text').sql).toContain('CAST("items"."id" AS text) AS "id"')
  })

  it('refuses NUL bytes', () => {
    expect(() => plan(items, 'name=eq.a%00b')).toThrow(RestError)
    expect(() => plan(items, 'select=%22a%00%22')).toThrow(RestError)
  })

  it('binds limit and offset, also per embedding', () => {
    const { sql, values } = plan(owners, 'select=id,items!owner_id(id)&items.limit=2&limit=5&offset=1')
    expect(sql).toMatch(/LIMIT \$\d+\) AS "owners_items_1"/)
    expect(values).toEqual(expect.arrayContaining(['2', '5', '1']))
  })
})

describe('embedding', () => {
  it('joins a to-one embedding as a row and a to-many one as an array', () => {
    const toOne = plan(items, 'select=id,owner:owners!owner_id(name)').sql
    expect(toOne).toContain('row_to_json("items_owner_1".*)::jsonb AS "owner"')
    expect(toOne).toContain('LEFT JOIN LATERAL (SELECT "owners_1"."name" FROM "public"."owners" AS "owners_1" WHERE "owners_1"."id" = "items"."owner_id") AS "items_owner_1" ON TRUE')
    const toMany = plan(owners, 'select=id,items!items_owner_id_fkey!inner(id)&items.name=eq.x').sql
    expect(toMany).toContain('COALESCE("owners_items_1"."owners_items_1", \'[]\') AS "items"')
    expect(toMany).toContain('INNER JOIN LATERAL (SELECT json_agg("owners_items_1")::jsonb AS "owners_items_1" FROM (SELECT "items_1"."id" FROM "public"."items" AS "items_1" WHERE "items_1"."owner_id" = "owners"."id" AND "items_1"."name" = $1)')
    expect(plan(owners, 'select=id,items!owner_id!inner(id)').count).toContain('EXISTS (SELECT 1 FROM "public"."items" AS "items_1" WHERE "items_1"."owner_id" = "owners"."id")')
  })

  it('answers PGRST201 for an ambiguous and PGRST200 for an unknown relationship', () => {
    const ambiguous = thrown(RestError, () => plan(items, 'select=owners(name)'))
    expect([ambiguous.status, ambiguous.code]).toEqual([300, 'PGRST201'])
    expect(ambiguous.hint).toBe('Try changing \'owners\' to one of the following: \'owners!items_owner_id_fkey\', \'owners!items_reviewer_id_fkey\'. Find the desired relationship in the \'details\' key.')
    const unknown = thrown(RestError, () => plan(items, 'select=ownerz!owner_id(name)'))
    expect([unknown.status, unknown.code, unknown.hint]).toEqual([400, 'PGRST200', 'Perhaps you meant \'owners\' instead of \'ownerz\'.'])
  })

  it('resolves a foreign key column used as the embedding name', () => {
    expect(plan(items, 'select=owner_id(name)').sql).toContain('"owners_1"."id" = "items"."owner_id"')
  })

  it('refuses filters on embeddings that are not selected, and other than is.null on an embedding', () => {
    expect(thrown(RestError, () => plan(owners, 'select=id&items.id=eq.1')).code).toBe('PGRST108')
    expect(thrown(RestError, () => plan(owners, 'select=id,items!owner_id(id)&items=eq.1')).code).toBe('PGRST120')
    expect(plan(owners, 'select=id,items!owner_id(id)&items=not.is.null').sql).toContain('"owners_items_1"."owners_items_1" IS NOT NULL')
  })

  it('refuses related order on a to-many embedding', () => {
    expect(thrown(RestError, () => plan(owners, 'select=id,items!owner_id(id)&order=items(id)')).code).toBe('PGRST118')
  })

  it('counts rows without `count` being a column, even with aggregates disabled', () => {
    expect(plan(owners, 'select=id,items!owner_id(count)').sql).toContain('SELECT pg_catalog.count(*) AS "count" FROM "public"."items"')
    expect(thrown(RestError, () => plan(owners, 'select=id.sum()')).code).toBe('PGRST123')
  })

  it('groups by the other selected columns when aggregates are enabled', () => {
    expect(plan(items, 'select=owner_id,total:id.count(),name.max()', true).sql)
      .toBe('SELECT "items"."owner_id", pg_catalog.count("items"."id") AS "total", pg_catalog.max("items"."name") AS "max" FROM "public"."items" AS "items" GROUP BY "items"."owner_id"')
  })
})

describe('mutations', () => {
  it('expands the body with the columns\' catalog types and binds it whole', () => {
    const params = new Params()
    const payload = parsePayload('{"name":"x\'); drop table items; --","owner_id":1}', undefined)
    const sql = insertSql({ table: items, columns: columnsOf(items, payload.keys), payload, applyDefaults: false, returning: { kind: 'none' } }, params)
    expect(sql).toBe('INSERT INTO "public"."items" AS "items" ("name", "owner_id") SELECT pgrst_body."name", pgrst_body."owner_id" FROM (SELECT * FROM json_to_recordset($1::json) AS _("name" text, "owner_id" bigint)) AS pgrst_body RETURNING 1')
    expect(params.values).toEqual([`[${'{"name":"x\'); drop table items; --","owner_id":1}'}]`])
  })

  it('refuses unknown columns and objects with different keys', () => {
    expect(thrown(RestError, () => columnsOf(items, ['nope'])).code).toBe('PGRST204')
    expect(thrown(RestError, () => parsePayload('[{"a":1},{"b":2}]', undefined)).message).toBe('All object keys must match')
    expect(thrown(RestError, () => parsePayload('{"a":', undefined)).code).toBe('PGRST102')
  })

  it('puts root filters into the WHERE of an update', () => {
    const params = new Params()
    const query = parseQueryParams(new URLSearchParams('id=eq.7&or=(name.is.null,name.eq.x)'), false)
    const where = planRootWhere(newPlanContext(cache, 'public', params, query), items, ident('items'))
    const payload = parsePayload('{"name":"y"}', undefined)
    const sql = updateSql(items, columnsOf(items, payload.keys), payload, where, false, { kind: 'none' }, params)
    expect(sql).toContain('WHERE "items"."id" = $1 AND ("items"."name" IS NULL OR "items"."name" = $2) RETURNING 1')
  })
})

describe('extractParameters', () => {
  it('renumbers placeholders and leaves quoted text alone', () => {
    const result = extractParameters('SELECT 1 WHERE "a$1" = $3 AND \'$2\' = $5 AND b = $3', ['one', 'two', 'three', 'four', 'five'])
    expect(result).toEqual({ sql: 'SELECT 1 WHERE "a$1" = $1 AND \'$2\' = $2 AND b = $1', values: ['three', 'five'] })
  })
})
