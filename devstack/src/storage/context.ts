// What every Storage route works with: the parsed request, the caller behind its JWT, the
// database, the file store and the URL signer.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { JwtKeys } from '../shared/jwt.ts'
import { readJson, sendJson } from '../shared/http.ts'
import { anonymousCaller, type Caller, type RequestScope, type StorageDatabase } from './database.ts'
import { ERRORS, type StorageError } from './errors.ts'
import type { FileStore } from './files.ts'
import { jwtErrorMessage, type UrlSigner } from './signing.ts'

export interface StorageServices {
  db: StorageDatabase
  files: FileStore
  jwt: JwtKeys
  signer: UrlSigner
  /** `[storage] file_size_limit` of config.toml: the ceiling for every bucket. */
  globalFileSizeLimit: number
}

export class StorageCall {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly query: URLSearchParams
  readonly services: StorageServices
  private readonly path: string

  constructor(req: IncomingMessage, res: ServerResponse, path: string, services: StorageServices) {
    const url = new URL(path, 'http://storage.local')
    this.req = req
    this.res = res
    this.path = url.pathname
    this.query = url.searchParams
    this.services = services
  }

  /** Policies can read the route's operation name, e.g. `storage.object.upload`. */
  scope(operation: string): RequestScope {
    const { authorization: _authorization, ...headers } = this.req.headers
    return { operation, method: this.req.method ?? 'GET', path: this.path, headers }
  }

  /**
   * The caller behind the bearer token. Routes that require a JWT refuse a missing or bad one
   * (AccessDenied with jsonwebtoken's message); the others treat it as an anonymous visitor.
   */
  async caller(required = true): Promise<Caller> {
    // storage-api strips an optional `Bearer ` and takes the rest as the token (plugins/jwt.ts).
    const token = (this.req.headers.authorization ?? '').replace(/^Bearer\s+/i, '')
    if (!token && !required) return anonymousCaller
    try {
      const claims = await this.services.jwt.verify(token) as Record<string, unknown>
      const role = typeof claims.role === 'string' && claims.role ? claims.role : 'anon'
      return { role, sub: typeof claims.sub === 'string' ? claims.sub : undefined, claims, token, authenticated: true }
    }
    catch (error) {
      if (!required) return anonymousCaller
      throw ERRORS.accessDenied(jwtErrorMessage(error))
    }
  }

  async body<T extends object>(): Promise<Partial<T>> {
    try {
      const body = await readJson<unknown>(this.req)
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new SyntaxError('not an object')
      return body as Partial<T>
    }
    catch {
      throw ERRORS.badRequest('body must be a JSON object')
    }
  }

  json(body: unknown, status = 200, headers: Record<string, string> = {}): void {
    sendJson(this.res, status, body, headers)
  }

  fail(error: StorageError): void {
    if (this.res.headersSent) {
      this.res.destroy()
      return
    }
    // Unread upload bytes are drained so the client gets to read the answer.
    if (!this.req.readableEnded) {
      this.req.unpipe()
      this.req.resume()
    }
    sendJson(this.res, error.httpStatus, error.render())
  }
}

/** A required string field of a JSON body, refused as Fastify's schema check words it. */
export function requiredString(body: Record<string, unknown>, field: string): string {
  const value = body[field]
  if (typeof value !== 'string') throw ERRORS.badRequest(`body must have required property '${field}'`)
  return value
}

/**
 * One body property checked as Fastify's ajv does (coerceTypes: 'array'): numbers and booleans
 * become strings, numeric strings and booleans become numbers, null becomes '' or 0; then the
 * bounds and allowed values. Returns the coerced value, or undefined when the property is absent.
 */
export function schemaField(body: Record<string, unknown>, path: string, schema: { type: 'string' | 'integer', minimum?: number, enum?: string[] }): string | number | undefined {
  const name = path.split('/').at(-1)!
  let value = body[name]
  if (value === undefined) return undefined
  if (Array.isArray(value) && value.length === 1) value = value[0]
  if (schema.type === 'string') {
    if (typeof value === 'number' || typeof value === 'boolean') value = String(value)
    else if (value === null) value = ''
    if (typeof value !== 'string') throw ERRORS.badRequest(`${path} must be string`)
    if (schema.enum && !schema.enum.includes(value)) throw ERRORS.badRequest(`${path} must be equal to one of the allowed values`)
    return value
  }
  if (typeof value === 'string' && /^-?\d+(?:\.\d+)?$/.test(value.trim())) value = Number(value)
  else if (typeof value === 'boolean') value = Number(value)
  else if (value === null) value = 0
  if (typeof value !== 'number' || !Number.isInteger(value)) throw ERRORS.badRequest(`${path} must be integer`)
  if (schema.minimum !== undefined && value < schema.minimum) throw ERRORS.badRequest(`${path} must be >= ${schema.minimum}`)
  return value
}
