// One REST request from start to finish, as PostgREST v14 serves it: route, JWT → role, schema
// profile, parse, plan against the schema cache, then one transaction as the caller's role
// (`set_config` of role, claims and request data, then the statement) and the response headers and
// status PostgREST would send.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Sql } from 'postgres'
import { errors as joseErrors } from 'jose'
import type { JwtKeys } from '../shared/jwt.ts'
import { PayloadTooLargeError, readBody } from '../shared/http.ts'
import { closest, fromPgError, isPgServerError, RestError, sendError } from './errors.ts'
import { columnsOf, deleteSql, insertSql, parsePayload, type Payload, refuseUnfiltered, type Returning, updateSql } from './mutation.ts'
import { openApiDocument } from './openapi.ts'
import { parseQueryParams, type QueryParams } from './query-params.ts'
import { type Range, sqlRange, topLevelRange } from './ranges.ts'
import { checkPaths, newPlanContext, planRead, planRootWhere, type ReadNode, renderCount, renderRead, sourceColumns, withoutRootConditions } from './read-plan.ts'
import { type MediaChoice, negotiate, parsePreferences, preferenceApplied, type Preferences } from './request.ts'
import { callSql, findRoutine, type RpcArguments } from './rpc.ts'
import { qualified, type Routine, type SchemaCache, type Table } from './schema-cache.ts'
import { ident, Params, qualifiedIdent } from './sql-text.ts'
import { type BodyKind, extractParameters, mainStatement, type StatementParts, type StatementRow } from './statement.ts'

export interface RestSettings {
  schemas: string[]
  extraSearchPath: string[]
  maxRows: number | null
  anonRole: string
}

export interface RestContext {
  sql: Sql
  jwt: JwtKeys
  settings: RestSettings
  cache: () => SchemaCache
  timezones: () => Promise<Set<string>>
  /** After a read-write transaction committed (the realtime module reads the WAL at once). */
  committed?: () => void
}

interface Caller {
  role: string
  claims: Record<string, unknown>
}

interface Outcome {
  status: number
  headers: Record<string, string>
  body?: string
}

const readMethods = new Set(['GET', 'HEAD'])

export async function handleRest(context: RestContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  let caller: Caller | undefined
  try {
    const url = new URL(path, 'http://rest.local')
    const method = (req.method ?? 'GET').toUpperCase()
    caller = await authenticate(context, req)
    const outcome = await route(context, req, url, method, caller)
    res.writeHead(outcome.status, outcome.headers)
    res.end(method === 'HEAD' ? undefined : outcome.body)
  }
  catch (error) {
    if (error instanceof PlanAnswer) {
      res.writeHead(200, { 'Content-Type': error.contentType, 'Content-Length': Buffer.byteLength(error.body) })
      return void res.end(req.method === 'HEAD' ? undefined : error.body)
    }
    if (error instanceof RestError) return sendError(res, error)
    if (isPgServerError(error)) return sendError(res, fromPgError(error, caller !== undefined && caller.role !== context.settings.anonRole))
    if (error instanceof PayloadTooLargeError) return sendError(res, new RestError(413, 'PGRST102', 'Request body too large', error.message))
    throw error
  }
}

// --- authentication -------------------------------------------------------------------------

function jwtError(code: 'PGRST301' | 'PGRST303', message: string): RestError {
  return new RestError(401, code, message, null, null, { 'WWW-Authenticate': `Bearer error="invalid_token", error_description=${JSON.stringify(message)}` })
}

async function authenticate(context: RestContext, req: IncomingMessage): Promise<Caller> {
  const anon = { role: context.settings.anonRole, claims: { role: context.settings.anonRole } }
  const header = req.headers.authorization
  const match = header ? /^bearer(?:\s+(.*))?$/is.exec(header.trim()) : null
  if (!match) return anon
  const token = (match[1] ?? '').trim()
  if (token === '') throw jwtError('PGRST301', 'Empty JWT is sent in Authorization header')
  const parts = token.split('.').length
  if (parts !== 3) throw jwtError('PGRST301', `Expected 3 parts in JWT; got ${parts}`)
  const claims = await verifiedClaims(context, token)
  if (typeof claims.iat === 'number' && claims.iat > Date.now() / 1000 + 30) throw jwtError('PGRST303', 'JWT issued at future')
  const role = typeof claims.role === 'string' && claims.role !== '' ? claims.role : context.settings.anonRole
  return { role, claims: { ...claims, role } }
}

// Verified tokens are remembered until they expire, as PostgREST's JWT cache does: the signature
// check is the most expensive step of a small request.
const jwtCache = new Map<string, Record<string, unknown>>()
const jwtCacheEntries = 1000

async function verifiedClaims(context: RestContext, token: string): Promise<Record<string, unknown>> {
  const cached = jwtCache.get(token)
  if (cached && (typeof cached.exp !== 'number' || cached.exp * 1000 > Date.now())) return cached
  jwtCache.delete(token)
  let claims: Record<string, unknown>
  try {
    claims = await context.jwt.verify(token) as Record<string, unknown>
  }
  catch (error) {
    throw jwtFailure(error)
  }
  if (jwtCache.size >= jwtCacheEntries) jwtCache.delete(jwtCache.keys().next().value!)
  jwtCache.set(token, claims)
  return claims
}

function jwtFailure(error: unknown): RestError {
  if (error instanceof joseErrors.JWTExpired) return jwtError('PGRST303', 'JWT expired')
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return jwtError('PGRST303', 'JWT not yet valid')
    if (error.claim === 'exp' || error.claim === 'iat' || error.claim === 'nbf') return jwtError('PGRST303', `The JWT '${error.claim}' claim must be a number`)
    return jwtError('PGRST303', 'Parsing claims failed')
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported) return jwtError('PGRST301', 'Wrong or unsupported encoding algorithm')
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return jwtError('PGRST301', 'JWT cryptographic operation failed')
  return jwtError('PGRST301', 'JWT cryptographic operation failed')
}

// --- routing --------------------------------------------------------------------------------

interface RequestScope {
  context: RestContext
  req: IncomingMessage
  url: URL
  method: string
  caller: Caller
  cache: SchemaCache
  schema: string
  /** A profile header chose the schema: answer with Content-Profile. */
  profileHeader: boolean
  /** Accept asked for the plan (vnd.pgrst.plan) instead of the rows. */
  plan?: { format: 'json' | 'text', options: string[], contentType: string }
}

/** The EXPLAIN output that answers a vnd.pgrst.plan request, thrown past the row handling. */
class PlanAnswer {
  readonly body: string
  readonly contentType: string
  constructor(body: string, contentType: string) {
    this.body = body
    this.contentType = contentType
  }
}

async function route(context: RestContext, req: IncomingMessage, url: URL, method: string, caller: Caller): Promise<Outcome> {
  let segments: string[]
  try {
    segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent)
  }
  catch {
    throw invalidPath()
  }
  const cache = context.cache()
  const { schema, profileHeader } = chooseSchema(context.settings, req, method)
  const scope: RequestScope = { context, req, url, method, caller, cache, schema, profileHeader }
  if (segments.length === 0) {
    if (method === 'OPTIONS') return allow('OPTIONS,GET,HEAD')
    if (!readMethods.has(method)) throw unsupportedMethod(method)
    return openApi(scope)
  }
  if (segments.length === 2 && segments[0] === 'rpc') {
    if (method === 'OPTIONS') return routineOptions(scope, segments[1]!)
    if (!readMethods.has(method) && method !== 'POST') throw new RestError(405, 'PGRST101', `Cannot use the ${method} method on RPC`)
    return callRoutine(scope, segments[1]!)
  }
  if (segments.length !== 1) throw invalidPath()
  const table = findTable(cache, schema, segments[0]!)
  switch (method) {
    case 'GET':
    case 'HEAD':
      return readTable(scope, table)
    case 'POST':
      return insertRows(scope, table)
    case 'PATCH':
      return updateRows(scope, table)
    case 'PUT':
      return putRow(scope, table)
    case 'DELETE':
      return deleteRows(scope, table)
    case 'OPTIONS':
      return allow(['OPTIONS,GET,HEAD', table.insertable && 'POST', table.insertable && table.updatable && table.primaryKey.length > 0 && 'PUT', table.updatable && 'PATCH', table.deletable && 'DELETE'].filter(Boolean).join(','))
    default:
      throw unsupportedMethod(method)
  }
}

const invalidPath = () => new RestError(404, 'PGRST125', 'Invalid path specified in request URL')
const unsupportedMethod = (method: string) => new RestError(405, 'PGRST117', `Unsupported HTTP method: ${method}`)
const allow = (methods: string): Outcome => ({ status: 200, headers: { 'Allow': methods, 'Content-Length': '0' } })

function chooseSchema(settings: RestSettings, req: IncomingMessage, method: string): { schema: string, profileHeader: boolean } {
  const header = readMethods.has(method) || method === 'OPTIONS' ? req.headers['accept-profile'] : req.headers['content-profile']
  const requested = Array.isArray(header) ? header[0] : header
  if (requested === undefined) return { schema: settings.schemas[0]!, profileHeader: false }
  if (!settings.schemas.includes(requested)) {
    throw new RestError(406, 'PGRST106', `Invalid schema: ${requested}`, null, `Only the following schemas are exposed: ${settings.schemas.join(', ')}`)
  }
  return { schema: requested, profileHeader: true }
}

function findTable(cache: SchemaCache, schema: string, name: string): Table {
  const table = cache.tables.get(qualified(schema, name))
  if (table) return table
  const candidates = [...cache.tables.values()].filter(candidate => candidate.schema === schema).map(candidate => candidate.name)
  const suggestion = closest(name, candidates, 0.75)
  throw new RestError(404, 'PGRST205', `Could not find the table '${schema}.${name}' in the schema cache`, null,
    suggestion ? `Perhaps you meant the table '${schema}.${suggestion}'` : null)
}

// --- reads ----------------------------------------------------------------------------------

function rootRange(scope: RequestScope, query: QueryParams): Range | undefined {
  return sqlRange(topLevelRange(scope.method, query.ranges.get(''), firstHeader(scope.req.headers.range), scope.context.settings.maxRows))
}

/** The query string, the media type to answer with, and the preferences. */
function parseRequest(scope: RequestScope, isRpcRead: boolean): { query: QueryParams, media: MediaChoice, prefs: Preferences } {
  const media = negotiate(firstHeader(scope.req.headers.accept), scope.cache.planEnabled)
  if (media.plan) scope.plan = { ...media.plan, contentType: media.contentType }
  return {
    query: parseQueryParams(scope.url.searchParams, isRpcRead),
    media,
    prefs: parsePreferences(scope.req.headers.prefer, scope.cache.txEnd.allowOverride),
  }
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

function bodyKind(scope: RequestScope, media: MediaChoice): BodyKind {
  if (scope.method === 'HEAD') return { kind: 'none' }
  if (media.format === 'csv') return { kind: 'csv' }
  return { kind: media.format === 'object' ? 'object' : 'array', stripNulls: media.stripNulls }
}

async function readTable(scope: RequestScope, table: Table): Promise<Outcome> {
  const { query, media, prefs } = parseRequest(scope, false)
  const params = new Params()
  const ctx = newPlanContext(scope.cache, scope.schema, params, query, scope.context.settings.maxRows)
  const root = planRead(ctx, { table, starColumns: null, from: qualifiedIdent(table.schema, table.name), alias: ident(table.name) }, query.select, [], table.name)
  checkPaths(ctx)
  const range = rootRange(scope, query)
  if (range) root.range = range
  const parts: StatementParts = {
    source: renderRead(root, params),
    result: 'SELECT * FROM pgrst_source',
    body: bodyKind(scope, media),
  }
  const counting = countStatements(prefs, () => renderCount(root, params))
  if (counting.exact) parts.count = counting.exact
  const run = await execute(scope, { readOnly: true, prefs, parts, params, planned: counting.planned, check: checks(media, prefs, false) })
  const total = chooseTotal(prefs, run, scope.context.settings.maxRows)
  const headers: Record<string, string> = {
    'Content-Location': `/${table.name}${query.canonical ? `?${query.canonical}` : ''}`,
  }
  return readResponse(scope, media, prefs, range?.offset ?? 0, total, run, headers, {})
}

function countStatements(prefs: Preferences, count: () => string): { exact?: string, planned?: string } {
  if (!prefs.count) return {}
  const sql = count()
  return {
    ...(prefs.count !== 'planned' && { exact: sql }),
    ...(prefs.count !== 'exact' && { planned: sql }),
  }
}

/** `estimated` is the exact count up to max-rows and the planner's estimate beyond. */
function chooseTotal(prefs: Preferences, run: RunResult, maxRows: number | null): number | null {
  const exact = run.row.total === null ? null : Number(run.row.total)
  if (prefs.count === 'planned') return run.planned
  if (prefs.count === 'estimated' && exact !== null && maxRows !== null && exact > maxRows) return Math.max(run.planned ?? exact, maxRows)
  return exact
}

function contentRange(lower: number, upper: number, total: number | null): string {
  const range = total !== 0 && lower <= upper ? `${lower}-${upper}` : '*'
  return `${range}/${total ?? '*'}`
}

function readResponse(scope: RequestScope, media: MediaChoice, prefs: Preferences, offset: number, total: number | null, run: RunResult, extraHeaders: Record<string, string>, applied: Partial<Preferences>): Outcome {
  const pageTotal = Number(run.row.page_total)
  const upper = offset + pageTotal - 1
  let status = 200
  if (total !== null) {
    if (offset > total) status = 416
    else if (1 + upper - offset < total) status = 206
  }
  const headers: Record<string, string> = { 'Content-Range': contentRange(offset, upper, total), ...extraHeaders }
  const preference = preferenceApplied({ ...applied, ...appliedCommon(prefs, run) })
  if (preference) headers['Preference-Applied'] = preference
  if (status === 416) {
    const error = new RestError(416, 'PGRST103', 'Requested range not satisfiable', `An offset of ${offset} was requested, but there are only ${total} rows.`)
    return withBody(scope, { status, headers }, errorJson(error), 'application/json; charset=utf-8', run)
  }
  return withBody(scope, { status, headers }, run.row.body ?? '', media.contentType, run)
}

function appliedCommon(prefs: Preferences, run: RunResult): Partial<Preferences> {
  return {
    ...(prefs.count && { count: prefs.count }),
    ...(prefs.tx && { tx: prefs.tx }),
    ...(prefs.handling && { handling: prefs.handling }),
    ...(run.timezone && { timezone: run.timezone }),
  }
}

function errorJson(error: RestError): string {
  return JSON.stringify({ code: error.code, details: error.details ?? null, hint: error.hint ?? null, message: error.message })
}

function withBody(scope: RequestScope, outcome: Outcome, body: string, contentType: string, run: RunResult): Outcome {
  outcome.headers['Content-Type'] = contentType
  if (scope.profileHeader) outcome.headers['Content-Profile'] = scope.schema
  if (scope.method !== 'HEAD') outcome.headers['Content-Length'] = String(Buffer.byteLength(body))
  outcome.body = body
  return applyResponseSettings(outcome, run)
}

function withoutBody(outcome: Outcome, run: RunResult): Outcome {
  outcome.headers['Content-Length'] ??= '0'
  return applyResponseSettings(outcome, run)
}

/** `response.status` / `response.headers` set by the database win over PostgREST's own. */
function applyResponseSettings(outcome: Outcome, run: RunResult): Outcome {
  if (run.row.response_headers) {
    let list: unknown
    try {
      list = JSON.parse(run.row.response_headers)
    }
    catch {
      list = null
    }
    const valid = Array.isArray(list) && list.every(item => item && typeof item === 'object' && Object.keys(item).length === 1 && typeof Object.values(item)[0] === 'string')
    if (!valid) throw new RestError(500, 'PGRST111', 'response.headers guc must be a JSON array composed of objects with a single key and a string value')
    for (const item of list as Array<Record<string, string>>) {
      const [name, value] = Object.entries(item)[0]!
      outcome.headers = Object.fromEntries(Object.entries(outcome.headers).filter(([existing]) => existing.toLowerCase() !== name.toLowerCase()))
      outcome.headers[name] = value
    }
  }
  if (run.row.response_status) {
    const status = Number(run.row.response_status)
    if (!Number.isInteger(status) || status < 100 || status > 599) throw new RestError(500, 'PGRST112', 'response.status guc must be a valid status code')
    outcome.status = status
  }
  return outcome
}

/** The checks a result must pass (a failure rolls a write back), or none when nothing can fail. */
function checks(media: MediaChoice, prefs: Preferences, limitsRows: boolean): ((run: RunResult) => RestError | null) | undefined {
  const strict = limitsRows && prefs.handling === 'strict' && prefs.maxAffected !== undefined
  if (media.format !== 'object' && !strict) return undefined
  return run => singular(media, run) ?? (strict ? maxAffected(prefs, run) : null)
}

function singular(media: MediaChoice, run: RunResult): RestError | null {
  if (media.format !== 'object') return null
  const rows = Number(run.row.page_total)
  if (rows === 1) return null
  return new RestError(406, 'PGRST116', 'Cannot coerce the result to a single JSON object', `The result contains ${rows} rows`)
}

// --- writes ---------------------------------------------------------------------------------

/** The request body as text; only JSON bodies are implemented (PostgREST also reads CSV and forms). */
async function readJsonBody(req: IncomingMessage): Promise<string> {
  const type = (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/json' && type !== '*/*' && type !== '') throw new RestError(400, 'PGRST102', `Content-Type not acceptable: ${type}`)
  return (await readBody(req)).toString('utf8')
}

async function readPayload(scope: RequestScope, columns: string[] | undefined): Promise<Payload> {
  return parsePayload(await readJsonBody(scope.req), columns)
}

/** What a mutation returns, planned over `pgrst_source`, and the RETURNING it needs for that. */
function representation(scope: RequestScope, table: Table, query: QueryParams, params: Params, prefs: Preferences, media: MediaChoice): { parts: Pick<StatementParts, 'result' | 'body' | 'locationColumns'>, returning: Returning } {
  const allColumns = table.columns.map(column => column.name)
  if (prefs.return === 'representation') {
    const ctx = newPlanContext(scope.cache, scope.schema, params, withoutRootConditions(query), scope.context.settings.maxRows)
    const root = planRead(ctx, { table, starColumns: null, from: 'pgrst_source', alias: ident(table.name) }, query.select, [], table.name)
    checkPaths(ctx)
    return {
      parts: { result: renderRead(root, params), body: bodyKind(scope, media) },
      returning: { kind: 'columns', columns: sourceColumns(root, allColumns) },
    }
  }
  if (prefs.return === 'headers-only' && table.primaryKey.length) {
    return {
      parts: { result: 'SELECT * FROM pgrst_source', body: { kind: 'none' }, locationColumns: table.primaryKey.map(ident) },
      returning: { kind: 'columns', columns: table.primaryKey },
    }
  }
  return { parts: { result: 'SELECT * FROM pgrst_source', body: { kind: 'none' } }, returning: { kind: 'none' } }
}

function locationHeader(table: Table, run: RunResult): string | undefined {
  if (!run.row.location) return undefined
  const row = JSON.parse(run.row.location) as Record<string, unknown>
  const query = table.primaryKey.map((column) => {
    const value = row[column]
    const filter = value === null || value === undefined ? 'is.null' : `eq.${typeof value === 'object' ? JSON.stringify(value) : String(value)}`
    return `${encodeURIComponent(column)}=${encodeURIComponent(filter)}`
  }).join('&')
  return `/${table.name}?${query}`
}

async function insertRows(scope: RequestScope, table: Table): Promise<Outcome> {
  const { query, media, prefs } = parseRequest(scope, false)
  const payload = await readPayload(scope, query.columns)
  const columns = columnsOf(table, payload.keys)
  const conflictColumns = query.onConflict ?? table.primaryKey
  const resolution = prefs.resolution && conflictColumns.length ? prefs.resolution : undefined
  const params = new Params()
  const shape = representation(scope, table, query, params, prefs, media)
  const parts: StatementParts = {
    ...shape.parts,
    source: insertSql({
      table,
      columns,
      payload,
      applyDefaults: prefs.missing === 'default',
      ...(resolution && { conflict: { resolution: resolution === 'merge-duplicates' ? 'merge' : 'ignore', columns: conflictColumns } }),
      returning: shape.returning,
    }, params),
    insertedCounter: resolution === 'merge-duplicates',
  }
  const run = await execute(scope, { readOnly: false, prefs, parts, params, check: checks(media, prefs, false) })
  const rows = Number(run.row.page_total)
  const inserted = run.row.inserted === null ? rows : Number(run.row.inserted)
  const status = resolution === 'merge-duplicates' && inserted <= 0 ? 200 : 201
  const headers: Record<string, string> = { 'Content-Range': contentRange(1, 0, prefs.count ? rows : null) }
  const location = prefs.return === 'headers-only' ? locationHeader(table, run) : undefined
  if (location) headers.Location = location
  const preference = preferenceApplied({
    ...(resolution && { resolution }),
    ...(prefs.missing && { missing: prefs.missing }),
    ...(prefs.return && { return: prefs.return }),
    ...appliedCommon(prefs, run),
  })
  if (preference) headers['Preference-Applied'] = preference
  if (prefs.return === 'representation') return withBody(scope, { status, headers }, run.row.body ?? '', media.contentType, run)
  return withoutBody({ status, headers }, run)
}

async function updateRows(scope: RequestScope, table: Table): Promise<Outcome> {
  const { query, media, prefs } = parseRequest(scope, false)
  const payload = await readPayload(scope, query.columns)
  const columns = columnsOf(table, payload.keys)
  const params = new Params()
  const where = planRootWhere(newPlanContext(scope.cache, scope.schema, params, query, scope.context.settings.maxRows), table, ident(table.name))
  if (columns.length && where.length === 0) throw refuseUnfiltered('UPDATE')
  const shape = representation(scope, table, query, params, prefs, media)
  const parts: StatementParts = { ...shape.parts, source: updateSql(table, columns, payload, where, prefs.missing === 'default', shape.returning, params) }
  const run = await execute(scope, { readOnly: false, prefs, parts, params, check: checks(media, prefs, true) })
  return mutationResponse(scope, media, prefs, run, contentRange(0, Number(run.row.page_total) - 1, prefs.count ? Number(run.row.page_total) : null), {
    ...(prefs.missing && { missing: prefs.missing }),
  })
}

async function deleteRows(scope: RequestScope, table: Table): Promise<Outcome> {
  const { query, media, prefs } = parseRequest(scope, false)
  const params = new Params()
  const where = planRootWhere(newPlanContext(scope.cache, scope.schema, params, query, scope.context.settings.maxRows), table, ident(table.name))
  if (where.length === 0) throw refuseUnfiltered('DELETE')
  const shape = representation(scope, table, query, params, prefs, media)
  const parts: StatementParts = { ...shape.parts, source: deleteSql(table, where, shape.returning) }
  const run = await execute(scope, { readOnly: false, prefs, parts, params, check: checks(media, prefs, true) })
  return mutationResponse(scope, media, prefs, run, contentRange(1, 0, prefs.count ? Number(run.row.page_total) : null), {})
}

function maxAffected(prefs: Preferences, run: RunResult): RestError | null {
  if (prefs.handling !== 'strict' || prefs.maxAffected === undefined) return null
  const rows = Number(run.row.page_total)
  if (rows <= prefs.maxAffected) return null
  return new RestError(400, 'PGRST124', 'Query result exceeds max-affected preference constraint', `The query affects ${rows} rows`)
}

function mutationResponse(scope: RequestScope, media: MediaChoice, prefs: Preferences, run: RunResult, range: string, applied: Partial<Preferences>): Outcome {
  const headers: Record<string, string> = { 'Content-Range': range }
  const preference = preferenceApplied({
    ...applied,
    ...(prefs.return && { return: prefs.return }),
    ...appliedCommon(prefs, run),
    ...(prefs.handling === 'strict' && prefs.maxAffected !== undefined && { maxAffected: prefs.maxAffected }),
  })
  if (preference) headers['Preference-Applied'] = preference
  if (prefs.return === 'representation') return withBody(scope, { status: 200, headers }, run.row.body ?? '', media.contentType, run)
  return withoutBody({ status: 204, headers }, run)
}

/** PUT: insert or replace the one row the URL names by its whole primary key. */
async function putRow(scope: RequestScope, table: Table): Promise<Outcome> {
  const { query, media, prefs } = parseRequest(scope, false)
  topLevelRange('PUT', query.ranges.get(''), undefined, null)
  const rootFilters = query.filters.filter(entry => entry.path.length === 0)
  const keyValues = new Map<string, string>()
  for (const { filter } of rootFilters) {
    const operation = filter.expr.operation
    if (operation.kind === 'quant' && operation.operator === 'eq' && !operation.quantifier && !filter.expr.negated && filter.field.jsonPath.length === 0) keyValues.set(filter.field.name, operation.value)
  }
  const pk = table.primaryKey
  if (pk.length === 0 || rootFilters.length !== pk.length || query.logic.length || !pk.every(column => keyValues.has(column))) {
    throw new RestError(405, 'PGRST105', 'Filters must include all and only primary key columns with \'eq\' operators')
  }
  const payload = await readPayload(scope, query.columns)
  const rows = JSON.parse(payload.json) as Array<Record<string, unknown>>
  const row = rows[0]
  const matches = rows.length === 1 && row !== undefined && pk.every(column => row[column] !== undefined && row[column] !== null && String(row[column]) === keyValues.get(column))
  if (!matches) throw new RestError(400, 'PGRST115', 'Payload values do not match URL in primary key column(s)')
  const columns = columnsOf(table, payload.keys)
  const params = new Params()
  const shape = representation(scope, table, query, params, prefs, media)
  const parts: StatementParts = {
    ...shape.parts,
    source: insertSql({ table, columns, payload, applyDefaults: false, conflict: { resolution: 'merge', columns: pk }, returning: shape.returning }, params),
    insertedCounter: true,
  }
  const run = await execute(scope, { readOnly: false, prefs, parts, params, check: checks(media, prefs, false) })
  const headers: Record<string, string> = {}
  const preference = preferenceApplied({ ...(prefs.return && { return: prefs.return }), ...appliedCommon(prefs, run) })
  if (preference) headers['Preference-Applied'] = preference
  if (prefs.return !== 'representation') return withoutBody({ status: 204, headers }, run)
  const status = Number(run.row.inserted ?? 0) > 0 ? 201 : 200
  return withBody(scope, { status, headers }, run.row.body ?? '', media.contentType, run)
}

// --- functions ------------------------------------------------------------------------------

function routineOptions(scope: RequestScope, name: string): Outcome {
  const overloads = scope.cache.routines.get(qualified(scope.schema, name))
  if (!overloads?.length) throw new RestError(404, 'PGRST202', `Could not find the function ${scope.schema}.${name} without parameters in the schema cache`)
  return allow(overloads.every(routine => routine.volatility === 'v') ? 'OPTIONS,POST' : 'OPTIONS,GET,HEAD,POST')
}

async function rpcArguments(scope: RequestScope, query: QueryParams): Promise<RpcArguments> {
  if (readMethods.has(scope.method)) return { kind: 'query', values: query.rpcArgs }
  const raw = await readJsonBody(scope.req)
  const text = raw.trim() === '' ? '{}' : raw
  let value: unknown
  try {
    value = JSON.parse(text)
  }
  catch {
    throw new RestError(400, 'PGRST102', 'Empty or invalid json')
  }
  const keys = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : []
  return { kind: 'json', text, keys }
}

function routineShape(routine: Routine): { table: Table | null, starColumns: string[] | null } {
  if (routine.returnTable) return { table: routine.returnTable, starColumns: null }
  return { table: null, starColumns: routine.outColumns.map(column => column.name) }
}

async function callRoutine(scope: RequestScope, name: string): Promise<Outcome> {
  const isRead = readMethods.has(scope.method)
  const { query, media, prefs } = parseRequest(scope, isRead)
  const args = await rpcArguments(scope, query)
  const routine = findRoutine(scope.cache, scope.schema, name, args)
  const params = new Params()
  const source = callSql(routine, args, params)
  const range = rootRange(scope, query)
  let parts: StatementParts
  let countSql: (() => string) | undefined
  if (routine.returnsScalar || routine.returnsVoid) {
    const limit = range ? `${range.limit !== undefined ? ` LIMIT ${params.bind(String(range.limit))}` : ''}${range.offset ? ` OFFSET ${params.bind(String(range.offset))}` : ''}` : ''
    const body: BodyKind = scope.method === 'HEAD' || routine.returnsVoid ? { kind: 'none' } : media.format === 'csv' ? { kind: 'csv' } : { kind: 'scalar', set: routine.returnsSet }
    parts = { source, result: `SELECT pgrst_source.pgrst_scalar FROM pgrst_source${limit}`, body }
    countSql = () => 'SELECT 1 FROM pgrst_source'
  }
  else {
    const ctx = newPlanContext(scope.cache, scope.schema, params, query, scope.context.settings.maxRows)
    const root: ReadNode = planRead(ctx, { ...routineShape(routine), from: 'pgrst_source', alias: ident(routine.name) }, query.select, [], routine.name)
    checkPaths(ctx)
    if (range) root.range = range
    const single = !routine.returnsSet && media.format === 'json'
    const body: BodyKind = scope.method === 'HEAD' ? { kind: 'none' } : single ? { kind: 'object', stripNulls: media.stripNulls } : bodyKind(scope, media)
    parts = { source, result: renderRead(root, params), body }
    countSql = () => renderCount(root, params)
  }
  const counting = countStatements(prefs, countSql)
  if (counting.exact) parts.count = counting.exact
  const readOnly = isRead || routine.volatility !== 'v'
  const run = await execute(scope, {
    readOnly, prefs, parts, params, planned: counting.planned, routine,
    check: prefs.handling === 'strict' && prefs.maxAffected !== undefined && !routine.returnsSet
      ? () => new RestError(400, 'PGRST128', 'Function must return SETOF or TABLE when max-affected preference is used with handling=strict')
      : checks(media, prefs, true),
  })
  const applied: Partial<Preferences> = prefs.handling === 'strict' && prefs.maxAffected !== undefined ? { maxAffected: prefs.maxAffected } : {}
  if (routine.returnsVoid) {
    const headers: Record<string, string> = { 'Content-Range': contentRange(range?.offset ?? 0, (range?.offset ?? 0) + Number(run.row.page_total) - 1, null) }
    const preference = preferenceApplied({ ...applied, ...appliedCommon(prefs, run) })
    if (preference) headers['Preference-Applied'] = preference
    return withoutBody({ status: 204, headers }, run)
  }
  const total = chooseTotal(prefs, run, scope.context.settings.maxRows)
  return readResponse(scope, media, prefs, range?.offset ?? 0, total, run, {}, applied)
}

// --- OpenAPI --------------------------------------------------------------------------------

async function openApi(scope: RequestScope): Promise<Outcome> {
  // Which relations the caller's role may use at all, asked inside its own transaction.
  const visible = 'SELECT coalesce(json_agg(c.oid::int8), \'[]\')::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND has_table_privilege(c.oid, \'SELECT, INSERT, UPDATE, DELETE\')'
  const parts: StatementParts = { source: 'SELECT 1', result: 'SELECT 1', body: { kind: 'none' } }
  const run = await execute(scope, { readOnly: true, prefs: { invalid: [] }, parts, params: new Params(), extra: { sql: visible, values: [scope.schema] } })
  const oids = new Set(JSON.parse(run.extra ?? '[]') as number[])
  const document = openApiDocument(scope.cache, scope.schema, oids, scope.req.headers.host ?? '127.0.0.1')
  const body = JSON.stringify(document)
  const headers: Record<string, string> = { 'Content-Type': 'application/openapi+json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) }
  if (scope.profileHeader) headers['Content-Profile'] = scope.schema
  return { status: 200, headers, body }
}

// --- the transaction ------------------------------------------------------------------------

interface RunOptions {
  readOnly: boolean
  prefs: Preferences
  parts: StatementParts
  params: Params
  /** A part of the statement whose row estimate answers `count=planned`. */
  planned?: string
  routine?: Routine
  /** Checks the result inside the transaction; an error rolls it back. */
  check?: (run: RunResult) => RestError | null
  /** One more single-value query run in the same transaction. */
  extra?: { sql: string, values: string[] }
}

interface RunResult {
  row: StatementRow
  planned: number | null
  timezone?: string
  extra?: string
}

function requestHeadersJson(req: IncomingMessage): string {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return JSON.stringify(headers)
}

function requestCookiesJson(req: IncomingMessage): string {
  const cookies: Record<string, string> = {}
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=')
    if (at > 0) cookies[part.slice(0, at).trim()] = part.slice(at + 1).trim()
  }
  return JSON.stringify(cookies)
}

async function execute(scope: RequestScope, options: RunOptions): Promise<RunResult> {
  const { context, caller, req } = scope
  const timezone = options.prefs.timezone && (await context.timezones()).has(options.prefs.timezone) ? options.prefs.timezone : undefined
  // Order as PostgREST: search_path, the role's own settings, the role, then request data.
  const settings: Array<[string, string]> = [
    ['search_path', [scope.schema, ...context.settings.extraSearchPath].map(ident).join(', ')],
    ...(scope.cache.roleSettings.get(caller.role) ?? []),
    ['role', caller.role],
    ['request.jwt.claims', JSON.stringify(caller.claims)],
    ['request.method', scope.method],
    ['request.path', scope.url.pathname],
    ['request.headers', requestHeadersJson(req)],
    ['request.cookies', requestCookiesJson(req)],
    ...(timezone ? [['timezone', timezone] as [string, string]] : []),
    ...(options.routine?.settings ?? []),
  ]
  const settingsSql = `select ${settings.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ')}`
  const plan = scope.plan
  const statement = plan
    ? `EXPLAIN (${[`FORMAT ${plan.format.toUpperCase()}`, ...plan.options.map(option => option.toUpperCase())].join(', ')}) ${mainStatement(options.parts)}`
    : mainStatement(options.parts)
  // optionalRollback: `tx=rollback`, or db-tx-end rollback unless `tx=commit`; deferred checks still run first.
  const rollback = options.prefs.tx === 'rollback' || (scope.cache.txEnd.rollbackAll && options.prefs.tx !== 'commit')
  const end = rollback ? 'SET CONSTRAINTS ALL IMMEDIATE; ROLLBACK' : 'commit'
  const values = options.params.values
  const planned = options.planned ? extractParameters(`EXPLAIN (FORMAT JSON) ${options.planned}`, values) : null
  // The whole transaction goes out in one pipeline (one round trip). Only a write whose result
  // decides between commit and rollback (single object, max-affected) waits before ending it; a
  // COMMIT after a failed statement ends the transaction as a rollback.
  const decideAtEnd = !options.readOnly && options.check !== undefined
  const connection = await context.sql.reserve()
  try {
    // Every reply is awaited, failed or not, before the connection goes back to the pool.
    const replies = await Promise.allSettled([
      connection.unsafe(options.readOnly ? 'begin read only' : 'begin'),
      connection.unsafe(settingsSql, settings.flat(), { prepare: true }),
      connection.unsafe<StatementRow[]>(statement, values, { prepare: !plan }),
      planned && !plan ? connection.unsafe<Array<{ 'QUERY PLAN': unknown }>>(planned.sql, planned.values, { prepare: true }) : undefined,
      options.extra ? connection.unsafe<Array<Record<string, string>>>(options.extra.sql, options.extra.values, { prepare: true }) : undefined,
      decideAtEnd ? undefined : connection.unsafe(end),
    ])
    // The first failure in pipeline order is the cause; the later ones only report the aborted transaction.
    const failed = replies.find(reply => reply.status === 'rejected')
    if (failed) {
      if (decideAtEnd) await connection.unsafe('rollback')
      throw failed.reason
    }
    const value = <T>(index: number) => (replies[index] as PromiseFulfilledResult<T>).value
    if (plan) {
      if (decideAtEnd) await connection.unsafe(end)
      const lines = value<Array<Record<string, unknown>>>(2).map(row => Object.values(row)[0])
      throw new PlanAnswer(plan.format === 'json' ? JSON.stringify(lines[0]) : lines.join('\n'), plan.contentType)
    }
    const result: RunResult = { row: value<StatementRow[]>(2)[0]!, planned: planned ? plannedRows(value(3)) : null }
    if (timezone) result.timezone = timezone
    const extraRows = value<Array<Record<string, string>> | undefined>(4)
    if (extraRows) result.extra = Object.values(extraRows[0] ?? {})[0]
    const failure = options.check?.(result)
    if (decideAtEnd) await connection.unsafe(failure ? 'rollback' : end)
    if (failure) throw failure
    if (!options.readOnly && !rollback) context.committed?.()
    return result
  }
  finally {
    connection.release()
  }
}

function plannedRows(plan: Array<{ 'QUERY PLAN': unknown }> | undefined): number | null {
  const raw = plan?.[0]?.['QUERY PLAN']
  const parsed = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan?: { 'Plan Rows'?: number } }> | undefined
  const rows = parsed?.[0]?.Plan?.['Plan Rows']
  return typeof rows === 'number' ? rows : null
}
