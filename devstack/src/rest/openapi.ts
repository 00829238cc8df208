// `GET /rest/v1/`: the Swagger 2.0 description PostgREST serves for the exposed schema, limited to
// what the caller's role may use (openapi-mode follow-privileges). A subset: paths for tables,
// views and functions, definitions with column types, primary/foreign key notes and enums, and the
// shared parameters. Left out: per-operation descriptions from comments on functions' arguments,
// security definitions, and PostgREST's media-type handler details.
import type { Column, Routine, SchemaCache, Table } from './schema-cache.ts'

type Json = Record<string, unknown>

function swaggerType(type: string): Json {
  if (type.endsWith('[]')) return { type: 'array', items: swaggerType(type.slice(0, -2)) }
  if (/^(smallint|integer|bigint)$/.test(type)) return { type: 'integer' }
  if (/^(numeric|real|double precision)/.test(type)) return { type: 'number' }
  if (type === 'boolean') return { type: 'boolean' }
  if (type === 'json' || type === 'jsonb') return {}
  return { type: 'string' }
}

function columnProperty(table: Table, column: Column, foreignKeys: Map<string, string>): Json {
  const notes: string[] = []
  if (table.primaryKey.includes(column.name)) notes.push('This is a Primary Key.<pk/>')
  const target = foreignKeys.get(column.name)
  if (target) notes.push(`This is a Foreign Key to \`${target}\`.<fk table='${target.split('.')[0]}' column='${target.split('.')[1]}'/>`)
  const description = [column.description, notes.length ? `Note:\n${notes.join('\n')}` : null].filter(Boolean).join('\n\n')
  return {
    ...(description && { description }),
    ...(column.default !== null && { default: column.default }),
    ...(column.enumValues && { enum: column.enumValues }),
    format: column.type,
    ...swaggerType(column.type),
  }
}

const ref = (name: string) => ({ $ref: `#/parameters/${name}` })

export function openApiDocument(cache: SchemaCache, schema: string, visibleOids: Set<number>, host: string): Json {
  const tables = [...cache.tables.values()].filter(table => table.schema === schema && visibleOids.has(table.oid)).sort((a, b) => a.name.localeCompare(b.name))
  const routines = [...cache.routines.values()].flat().filter(routine => routine.schema === schema).sort((a, b) => a.name.localeCompare(b.name))
  const paths: Json = {
    '/': { get: { produces: ['application/openapi+json', 'application/json'], responses: { 200: { description: 'OK' } }, summary: 'OpenAPI description (this document)', tags: ['Introspection'] } },
  }
  const definitions: Json = {}
  const parameters: Json = {
    preferParams: { name: 'Prefer', description: 'Preference', required: false, enum: ['params=single-object'], in: 'header', type: 'string' },
    preferReturn: { name: 'Prefer', description: 'Preference', required: false, enum: ['return=representation', 'return=minimal', 'return=none'], in: 'header', type: 'string' },
    preferCount: { name: 'Prefer', description: 'Preference', required: false, enum: ['count=none'], in: 'header', type: 'string' },
    preferPost: { name: 'Prefer', description: 'Preference', required: false, enum: ['return=representation', 'return=minimal', 'return=none', 'resolution=ignore-duplicates', 'resolution=merge-duplicates'], in: 'header', type: 'string' },
    select: { name: 'select', description: 'Filtering Columns', required: false, in: 'query', type: 'string' },
    on_conflict: { name: 'on_conflict', description: 'On Conflict', required: false, in: 'query', type: 'string' },
    order: { name: 'order', description: 'Ordering', required: false, in: 'query', type: 'string' },
    range: { name: 'Range', description: 'Limiting and Pagination', required: false, in: 'header', type: 'string' },
    rangeUnit: { name: 'Range-Unit', description: 'Limiting and Pagination', required: false, default: 'items', in: 'header', type: 'string' },
    offset: { name: 'offset', description: 'Limiting and Pagination', required: false, in: 'query', type: 'string' },
    limit: { name: 'limit', description: 'Limiting and Pagination', required: false, in: 'query', type: 'string' },
  }
  for (const table of tables) {
    const foreignKeys = new Map<string, string>()
    for (const rel of cache.relationships.get(`${table.schema}\u0000${table.name}`) ?? []) {
      if (rel.originHoldsKey && rel.columns.length === 1) foreignKeys.set(rel.columns[0]![0], `${rel.foreignTable.name}.${rel.columns[0]![1]}`)
    }
    definitions[table.name] = {
      ...(table.description && { description: table.description }),
      required: table.columns.filter(column => !column.nullable && column.default === null && column.identity === '').map(column => column.name),
      properties: Object.fromEntries(table.columns.map(column => [column.name, columnProperty(table, column, foreignKeys)])),
      type: 'object',
    }
    const rowFilters = table.columns.map((column) => {
      const key = `rowFilter.${table.name}.${column.name}`
      parameters[key] = { name: column.name, ...(column.description && { description: column.description }), required: false, format: column.type, in: 'query', type: 'string' }
      return ref(key)
    })
    parameters[`body.${table.name}`] = { name: table.name, description: table.name, required: false, in: 'body', schema: { $ref: `#/definitions/${table.name}` } }
    const tags = [table.name]
    const operations: Json = {
      get: {
        ...(table.description && { summary: table.description }),
        parameters: [...rowFilters, ref('select'), ref('order'), ref('range'), ref('rangeUnit'), ref('offset'), ref('limit'), ref('preferCount')],
        responses: { 200: { description: 'OK', schema: { items: { $ref: `#/definitions/${table.name}` }, type: 'array' } }, 206: { description: 'Partial Content' } },
        tags,
      },
    }
    if (table.insertable) operations.post = { parameters: [ref(`body.${table.name}`), ref('select'), ref('preferPost')], responses: { 201: { description: 'Created' } }, tags }
    if (table.deletable) operations.delete = { parameters: [...rowFilters, ref('preferReturn')], responses: { 204: { description: 'No Content' } }, tags }
    if (table.updatable) operations.patch = { parameters: [...rowFilters, ref(`body.${table.name}`), ref('preferReturn')], responses: { 204: { description: 'No Content' } }, tags }
    paths[`/${table.name}`] = operations
  }
  for (const routine of routines) paths[`/rpc/${routine.name}`] = routinePath(routine)
  return {
    swagger: '2.0',
    info: { description: '', title: 'standard public schema', version: '14.12 (devstack)' },
    host,
    basePath: '/',
    schemes: ['http'],
    consumes: ['application/json', 'application/vnd.pgrst.object+json;nulls=stripped', 'application/vnd.pgrst.object+json', 'text/csv'],
    produces: ['application/json', 'application/vnd.pgrst.object+json;nulls=stripped', 'application/vnd.pgrst.object+json', 'text/csv'],
    paths,
    definitions,
    parameters,
    externalDocs: { description: 'PostgREST Documentation', url: 'https://postgrest.org/en/v14/references/api.html' },
  }
}

function routinePath(routine: Routine): Json {
  const tags = [`(rpc) ${routine.name}`]
  const named = routine.params.filter(param => param.name !== '')
  const post = {
    ...(routine.description && { summary: routine.description }),
    parameters: [{
      required: true,
      schema: {
        required: named.filter(param => !param.hasDefault).map(param => param.name),
        type: 'object',
        properties: Object.fromEntries(named.map(param => [param.name, { format: param.type, ...swaggerType(param.type) }])),
      },
      in: 'body',
      name: 'args',
    }, ref('preferParams')],
    responses: { 200: { description: 'OK' } },
    tags,
  }
  if (routine.volatility === 'v') return { post }
  const get = {
    ...(routine.description && { summary: routine.description }),
    parameters: named.map(param => ({ format: param.type, in: 'query', name: param.name, required: !param.hasDefault, type: 'string' })),
    responses: { 200: { description: 'OK' } },
    tags,
  }
  return { get, post }
}
