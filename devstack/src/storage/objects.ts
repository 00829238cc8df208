// Object routes of storage-api (src/http/routes/object/*): upload, download, info, list, remove,
// move, copy and signed URLs. Each permission check is a statement run as the caller, so RLS on
// storage.objects decides; bookkeeping that storage-api does as its super user runs as service_role.
import { randomUUID } from 'node:crypto'
import { open } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { requiredString, schemaField, type StorageCall } from './context.ts'
import { type Caller, superUser, type Tx } from './database.ts'
import { ERRORS, StorageError } from './errors.ts'
import { isEmptyFolderPlaceholder, readIncomingFile } from './incoming.ts'
import { isUuid, mustBeValidBucketName, mustBeValidKey } from './limits.ts'
import type { TokenScope } from './signing.ts'

interface BucketRow {
  id: string
  public: boolean | null
  file_size_limit: number | null
  allowed_mime_types: string[] | null
}

interface ObjectRow {
  id: string
  bucket_id: string
  name: string
  version: string | null
  metadata: FileMetadata | null
  user_metadata: Record<string, unknown> | null
  created_at: Date
  updated_at: Date
}

interface FileMetadata {
  eTag: string
  size: number
  mimetype: string
  cacheControl: string
  lastModified: string
  contentLength: number
  httpStatusCode: number
}

/** A jsonb parameter (postgres.js serialises it once; undefined becomes SQL null). */
const jsonb = (tx: Tx, value: object | undefined) => (value === undefined ? null : tx.json(value as Parameters<Tx['json']>[0]))

/** Default validity of a signed upload URL (storage-api: two hours). */
const SIGNED_UPLOAD_URL_SECONDS = 2 * 60 * 60

export async function findBucket(tx: Tx, bucketId: string): Promise<BucketRow | undefined> {
  const [bucket] = await tx<BucketRow[]>`
    select id, public, file_size_limit::float8 as file_size_limit, allowed_mime_types
      from storage.buckets where id = ${bucketId}`
  return bucket
}

async function findObject(tx: Tx, bucketId: string, name: string, lock = ''): Promise<ObjectRow> {
  const [object] = await tx<ObjectRow[]>`
    select id, bucket_id, name, version, metadata, user_metadata, created_at, updated_at
      from storage.objects where bucket_id = ${bucketId} and name = ${name} ${tx.unsafe(lock)}`
  if (!object) throw ERRORS.noSuchKey()
  return object
}

// ---------------------------------------------------------------------------------------------
// Upload
// ---------------------------------------------------------------------------------------------

interface UploadTarget {
  bucketId: string
  name: string
  owner: string | undefined
  upsert: boolean
  /** Whose permission the dry run checks; a signed upload URL was checked when it was signed. */
  checkAs: Caller | undefined
}

/** The columns an upload, copy or signed upload writes. */
interface ObjectWrite {
  bucketId: string
  name: string
  owner: string | undefined
  version: string
  metadata?: object
  userMetadata?: object
}

/**
 * The INSERT (with `upsert`: INSERT … ON CONFLICT DO UPDATE) of one object row. Without `returning`
 * it needs no SELECT policy, which is what lets a drop box accept files its users cannot read.
 */
const writeObjectRow = (tx: Tx, row: ObjectWrite, options: { upsert: boolean, returning: boolean }) => tx<Array<{ id: string }>>`
  insert into storage.objects (bucket_id, name, owner, owner_id, version, metadata, user_metadata)
  values (${row.bucketId}, ${row.name}, ${isUuid(row.owner) ? row.owner : null}, ${row.owner ?? null}, ${row.version},
          ${jsonb(tx, row.metadata)}, ${jsonb(tx, row.userMetadata)})
  ${options.upsert
    ? tx`on conflict (bucket_id, name) do update set owner = excluded.owner, owner_id = excluded.owner_id,
           version = excluded.version, metadata = excluded.metadata, user_metadata = excluded.user_metadata`
    : tx``}
  ${options.returning ? tx`returning id` : tx``}`

/** storage-api's Uploader.canUpload: the row the upload would write, inserted as the caller and rolled back. */
export async function checkUploadPermission(call: StorageCall, operation: string, caller: Caller, row: Omit<ObjectWrite, 'version'>, upsert: boolean): Promise<void> {
  await call.services.db.dryRun(caller, call.scope(operation), tx => writeObjectRow(tx, { ...row, version: '1' }, { upsert, returning: false }))
}

/**
 * storage-api's completeUpload, as its super user: the row now points at the new version (refused
 * if the path was taken meanwhile and this is no upsert); the replaced version's file goes.
 * On failure the new version's file goes instead.
 */
export async function commitObject(call: StorageCall, operation: string, row: ObjectWrite, upsert: boolean): Promise<string> {
  const { db, files } = call.services
  try {
    const { id, previousVersion } = await db.as(superUser, call.scope(operation), async (tx) => {
      const [current] = await tx<Array<{ version: string | null }>>`
        select version from storage.objects where bucket_id = ${row.bucketId} and name = ${row.name} for update`
      if (current && !upsert) throw ERRORS.keyAlreadyExists()
      const [written] = await writeObjectRow(tx, row, { upsert: true, returning: true })
      return { id: written!.id, previousVersion: current?.version }
    })
    await removeFiles(call, [{ bucket_id: row.bucketId, name: row.name, version: previousVersion }])
    return id
  }
  catch (error) {
    await files.remove(files.versionPath(row.bucketId, row.name, row.version))
    throw error
  }
}

async function receiveUpload(call: StorageCall, operation: string, target: UploadTarget): Promise<{ id: string, key: string }> {
  const { db, files, globalFileSizeLimit } = call.services
  const bucket = await db.as(superUser, call.scope(operation), tx => findBucket(tx, target.bucketId))
  if (!bucket) throw ERRORS.noSuchBucket()
  const maxFileSize = isEmptyFolderPlaceholder(target.name) ? 0 : Math.min(globalFileSizeLimit, bucket.file_size_limit ?? Infinity)
  const file = await readIncomingFile(call.req, { maxFileSize, allowedMimeTypes: bucket.allowed_mime_types ?? [], objectName: target.name })
  mustBeValidKey(target.name)
  const { bucketId, name, owner, upsert } = target
  if (target.checkAs) {
    const metadata = { mimetype: file.mimeType, contentLength: file.declaredLength }
    await checkUploadPermission(call, operation, target.checkAs, { bucketId, name, owner, metadata, userMetadata: file.userMetadata }, upsert)
  }

  const version = randomUUID()
  const stored = await files.write(file.body, files.versionPath(bucketId, name, version), maxFileSize)
  const metadata: FileMetadata = {
    eTag: stored.eTag,
    size: stored.size,
    mimetype: file.mimeType,
    cacheControl: file.cacheControl,
    lastModified: new Date().toISOString(),
    contentLength: stored.size,
    httpStatusCode: 200,
  }
  // The row is written only now that the file is durable.
  // Uploader.upload stores `{ ...userMetadata }`: an empty object when the client sent none.
  const id = await commitObject(call, operation, { bucketId, name, owner, version, metadata, userMetadata: { ...file.userMetadata } }, upsert)
  return { id, key: `${bucketId}/${name}` }
}

/** POST /object/{bucket}/{name} (x-upsert) and PUT /object/{bucket}/{name} (always upserts). */
export async function uploadObject(call: StorageCall, bucketId: string, name: string): Promise<void> {
  const caller = await call.caller()
  const update = call.req.method === 'PUT'
  const { id, key } = await receiveUpload(call, update ? 'storage.object.upload_update' : 'storage.object.upload', {
    bucketId, name, owner: caller.sub, upsert: update || call.req.headers['x-upsert'] === 'true', checkAs: caller,
  })
  call.json({ Id: id, Key: key })
}

/** POST /object/upload/sign/{bucket}/{name}: checks the insert (or upsert) now, uploads later without a JWT. */
export async function createSignedUploadUrl(call: StorageCall, bucketId: string, name: string): Promise<void> {
  const caller = await call.caller()
  mustBeValidKey(name)
  const upsert = call.req.headers['x-upsert'] === 'true'
  await checkUploadPermission(call, 'storage.object.sign_upload_url', caller, { bucketId, name, owner: caller.sub }, upsert)
  const url = `${bucketId}/${name}`
  const token = await call.services.signer.sign({ url, scope: 'upload', owner: caller.sub, upsert }, SIGNED_UPLOAD_URL_SECONDS)
  call.json({ url: `/object/upload/sign/${url}?token=${token}`, token })
}

/** PUT /object/upload/sign/{bucket}/{name}?token=… */
export async function uploadToSignedUrl(call: StorageCall, bucketId: string, name: string): Promise<void> {
  const payload = await verifyToken(call, bucketId, name, 'upload')
  const { key } = await receiveUpload(call, 'storage.object.upload_signed', {
    bucketId, name, owner: payload.owner, upsert: payload.upsert === true, checkAs: undefined,
  })
  call.json({ Key: key })
}

// ---------------------------------------------------------------------------------------------
// Download and info
// ---------------------------------------------------------------------------------------------

type Rendering = 'asset' | 'head' | 'info'

/**
 * GET/HEAD /object/{,authenticated/}{bucket}/{name} and GET /object/info/…: a public bucket serves
 * anyone without RLS; a private one needs a valid JWT and a row the caller may SELECT.
 */
export async function serveObject(call: StorageCall, bucketId: string, name: string, options: { route: 'authenticated' | 'optional' | 'public', rendering: Rendering }): Promise<void> {
  const { db } = call.services
  const operation = options.rendering === 'info' ? 'storage.object.info_authenticated' : 'storage.object.get_authenticated'
  const caller = options.route === 'public' ? undefined : await call.caller(options.route === 'authenticated')
  const bucket = await db.as(superUser, call.scope(operation), tx => findBucket(tx, bucketId))
  if (!bucket || (!bucket.public && !caller?.authenticated)) throw ERRORS.noSuchBucket()
  const readAs = bucket.public ? superUser : caller!
  const object = await db.as(readAs, call.scope(operation), tx => findObject(tx, bucketId, name))
  await render(call, object, options.rendering, { download: call.query.get('download') ?? undefined })
}

/** GET /object/sign/{bucket}/{name}?token=…: the token is the permission. */
export async function serveSignedObject(call: StorageCall, bucketId: string, name: string): Promise<void> {
  const payload = await verifyToken(call, bucketId, name, 'download')
  const object = await call.services.db.as(superUser, call.scope('storage.object.get_signed'), tx => findObject(tx, bucketId, name))
  await render(call, object, 'asset', {
    download: call.query.get('download') ?? undefined,
    expires: payload.exp ? new Date(payload.exp * 1000).toUTCString() : undefined,
  })
}

async function verifyToken(call: StorageCall, bucketId: string, name: string, scope: TokenScope) {
  const token = call.query.get('token')
  if (!token) throw ERRORS.badRequest('querystring must have required property \'token\'')
  return call.services.signer.verify(token, `${bucketId}/${name}`, scope)
}

async function render(call: StorageCall, object: ObjectRow, rendering: Rendering, options: { download?: string, expires?: string }): Promise<void> {
  const metadata = object.metadata
  const lastModified = new Date(metadata?.lastModified ?? object.updated_at).toUTCString()
  if (rendering === 'info') {
    call.json({
      id: object.id,
      name: object.name,
      version: object.version,
      bucket_id: object.bucket_id,
      size: metadata?.size ?? null,
      content_type: metadata?.mimetype ?? null,
      cache_control: metadata?.cacheControl ?? null,
      etag: metadata?.eTag ?? null,
      metadata: object.user_metadata,
      last_modified: object.updated_at,
      created_at: object.created_at,
    }, 200, { 'ETag': metadata?.eTag ?? '', 'Last-Modified': lastModified, 'Cache-Control': metadata?.cacheControl ?? 'no-cache' })
    return
  }

  const path = storedFile(call, object)
  const file = path && await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined
    throw error
  })
  if (!file) {
    // storage-api's answer when the backend has no file for an existing row.
    call.json({ error: 'Not found', message: 'The resource was not found', statusCode: '404' }, 400, { 'Cache-Control': 'no-store' })
    return
  }
  try {
    const size = (await file.stat()).size
    const eTag = metadata?.eTag ?? ''
    const headers: Record<string, string | number> = {
      'Accept-Ranges': 'bytes',
      // Never let a stored HTML file run as a page of the API's origin.
      'Content-Type': (metadata?.mimetype ?? 'application/octet-stream').includes('text/html') ? 'text/plain' : metadata?.mimetype ?? 'application/octet-stream',
      'ETag': eTag,
      'Last-Modified': lastModified,
    }
    if (options.expires) headers.Expires = options.expires
    else headers['Cache-Control'] = metadata?.cacheControl ?? 'no-cache'
    if (options.download !== undefined) {
      const encoded = encodeURIComponent(options.download)
      headers['Content-Disposition'] = options.download === '' ? 'attachment;' : `attachment; filename=${encoded}; filename*=UTF-8''${encoded};`
    }

    if (eTag && call.req.headers['if-none-match'] === eTag) {
      call.res.writeHead(304, headers).end()
      return
    }
    const range = parseRange(call.req.headers.range, size)
    if (range === 'unsatisfiable') {
      call.res.setHeader('Content-Range', `bytes */${size}`)
      throw ERRORS.invalidRange()
    }
    if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`
    headers['Content-Length'] = range ? range.end - range.start + 1 : size
    call.res.writeHead(range ? 206 : 200, headers)
    if (rendering === 'head' || call.req.method === 'HEAD' || headers['Content-Length'] === 0) {
      call.res.end()
      return
    }
    await pipeline(file.createReadStream({ start: range?.start ?? 0, end: range?.end, autoClose: false }), call.res)
  }
  finally {
    await file.close()
  }
}

/** One `bytes=` range (first-last, first- or -suffix); anything else is served whole. */
export function parseRange(header: string | undefined, size: number): { start: number, end: number } | 'unsatisfiable' | undefined {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null
  if (!match || (match[1] === '' && match[2] === '')) return undefined
  let start: number
  let end: number
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]))
    end = size - 1
  }
  else {
    start = Number(match[1])
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
  }
  if (start > end || start >= size) return 'unsatisfiable'
  return { start, end }
}

// ---------------------------------------------------------------------------------------------
// List, remove, move, copy
// ---------------------------------------------------------------------------------------------

/** POST /object/list/{bucket}: storage.search() as the caller. */
export async function listObjects(call: StorageCall, bucketId: string): Promise<void> {
  const caller = await call.caller()
  mustBeValidBucketName(bucketId)
  const body = await call.body<Record<string, unknown>>()
  // listObjects.ts's body schema, in the order ajv checks it.
  if (body.prefix === undefined) throw ERRORS.badRequest('body must have required property \'prefix\'')
  let prefix = schemaField(body, 'body/prefix', { type: 'string' }) as string
  const limit = schemaField(body, 'body/limit', { type: 'integer', minimum: 1 }) ?? 100
  const offset = schemaField(body, 'body/offset', { type: 'integer', minimum: 0 }) ?? 0
  const sortBy = body.sortBy === undefined ? {} : body.sortBy
  if (!sortBy || typeof sortBy !== 'object' || Array.isArray(sortBy)) throw ERRORS.badRequest('body/sortBy must be object')
  const sort = sortBy as Record<string, unknown>
  if (body.sortBy !== undefined && sort.column === undefined) throw ERRORS.badRequest('body/sortBy must have required property \'column\'')
  const column = schemaField(sort, 'body/sortBy/column', { type: 'string', enum: ['name', 'updated_at', 'created_at', 'last_accessed_at'] }) ?? 'name'
  const order = schemaField(sort, 'body/sortBy/order', { type: 'string', enum: ['asc', 'desc'] }) ?? 'asc'
  const search = schemaField(body, 'body/search', { type: 'string' }) ?? ''
  // storage-api treats the prefix as a folder.
  if (prefix.length > 0 && !prefix.endsWith('/')) prefix = `${prefix}/`
  const rows = await call.services.db.as(caller, call.scope('storage.object.list'), tx => tx`
    select * from storage.search(${prefix}, ${bucketId}, ${limit}, ${prefix.split('/').length}, ${offset},
                                 ${search}, ${column}, ${order})`)
  call.json(rows)
}

/** DELETE /object/{bucket} {prefixes}: deletes what the caller may SELECT and DELETE, returns those rows. */
export async function removeObjects(call: StorageCall, bucketId: string): Promise<void> {
  const caller = await call.caller()
  mustBeValidBucketName(bucketId)
  const body = await call.body<{ prefixes: unknown[] }>()
  if (!Array.isArray(body.prefixes)) throw ERRORS.badRequest('body must have required property \'prefixes\'')
  if (body.prefixes.length === 0) throw ERRORS.badRequest('body/prefixes must NOT have fewer than 1 items')
  if (body.prefixes.length > 1000) throw ERRORS.badRequest('body/prefixes must NOT have more than 1000 items')
  const names = body.prefixes.map(entry => (typeof entry === 'string' ? entry : String((entry as { path?: unknown })?.path ?? '')))
  const deleted = await call.services.db.as(caller, call.scope('storage.object.delete_many'), tx => tx<Array<ObjectRow & Record<string, unknown>>>`
    delete from storage.objects where bucket_id = ${bucketId} and name = any(${names}) returning *`)
  await removeFiles(call, deleted)
  call.json(deleted)
}

/** DELETE /object/{bucket}/{name} */
export async function removeObject(call: StorageCall, bucketId: string, name: string): Promise<void> {
  const caller = await call.caller()
  mustBeValidKey(name)
  const deleted = await call.services.db.as(caller, call.scope('storage.object.delete'), tx => tx<ObjectRow[]>`
    delete from storage.objects where bucket_id = ${bucketId} and name = ${name} returning bucket_id, name, version`)
  if (deleted.length === 0) throw ERRORS.noSuchKey()
  await removeFiles(call, deleted)
  call.json({ message: 'Successfully deleted' })
}

/** Files go only after the rows are gone for good; one left behind is swept at the next start. */
export async function removeFiles(call: StorageCall, rows: Array<{ bucket_id: string, name: string, version?: string | null }>): Promise<void> {
  for (const row of rows) {
    const path = storedFile(call, row)
    if (path) await call.services.files.remove(path)
  }
}

/**
 * The file of a row's current version. Rows written by SQL alone have no version and no file;
 * rows whose bucket or name cannot be a path (SQL again) have none either.
 */
function storedFile(call: StorageCall, row: { bucket_id: string, name: string, version?: string | null }): string | undefined {
  if (!row.version) return undefined
  try {
    return call.services.files.versionPath(row.bucket_id, row.name, row.version)
  }
  catch (error) {
    if (error instanceof StorageError) return undefined
    throw error
  }
}

function sourceFile(call: StorageCall, row: ObjectRow): string {
  const path = storedFile(call, row)
  if (!path) throw ERRORS.noSuchKey()
  return path
}

interface TransferBody {
  bucketId: string
  sourceKey: string
  destinationKey: string
  destinationBucket: string
  copyMetadata: boolean
  metadata: Record<string, unknown>
}

async function transferRequest(call: StorageCall) {
  const body = await call.body<TransferBody>()
  const source = { bucketId: requiredString(body, 'bucketId'), name: requiredString(body, 'sourceKey') }
  const destination = { bucketId: typeof body.destinationBucket === 'string' ? body.destinationBucket : source.bucketId, name: requiredString(body, 'destinationKey') }
  mustBeValidBucketName(source.bucketId)
  mustBeValidBucketName(destination.bucketId)
  mustBeValidKey(destination.name)
  return { body, source, destination }
}

/** POST /object/move: SELECT on the source and an UPDATE that renames it, both as the caller. */
export async function moveObject(call: StorageCall): Promise<void> {
  const caller = await call.caller()
  const { source, destination } = await transferRequest(call)
  const { db, files } = call.services
  const scope = call.scope('storage.object.move')
  const version = randomUUID()
  await db.dryRun(caller, scope, async (tx) => {
    await findObject(tx, source.bucketId, source.name)
    const renamed = await tx`
      update storage.objects set name = ${destination.name}, bucket_id = ${destination.bucketId}, version = ${version},
             owner = ${isUuid(caller.sub) ? caller.sub : null}, owner_id = ${caller.sub ?? null}
       where bucket_id = ${source.bucketId} and name = ${source.name}`
    if (renamed.count === 0) throw ERRORS.noSuchKey()
  })
  const original = await db.as(superUser, scope, tx => findObject(tx, source.bucketId, source.name))
  if (source.bucketId === destination.bucketId && source.name === destination.name) {
    call.json({ message: 'Successfully moved', Id: original.id, Key: `${destination.bucketId}/${destination.name}` })
    return
  }
  const target = files.versionPath(destination.bucketId, destination.name, version)
  await files.linkTo(sourceFile(call, original), target)
  try {
    const moved = await db.as(superUser, scope, async (tx) => {
      const row = await findObject(tx, source.bucketId, source.name, 'for update')
      await tx`
        update storage.objects set name = ${destination.name}, bucket_id = ${destination.bucketId}, version = ${version},
               owner = ${isUuid(caller.sub) ? caller.sub : null}, owner_id = ${caller.sub ?? null}
         where id = ${row.id}`
      return row
    })
    await removeFiles(call, [moved])
    call.json({ message: 'Successfully moved', Id: moved.id, Key: `${destination.bucketId}/${destination.name}` })
  }
  catch (error) {
    await files.remove(target)
    throw error
  }
}

/** POST /object/copy: SELECT on the source, then an upload's INSERT (or upsert) check on the destination. */
export async function copyObject(call: StorageCall): Promise<void> {
  const caller = await call.caller()
  const { body, source, destination } = await transferRequest(call)
  const { db, files } = call.services
  const upsert = call.req.headers['x-upsert'] === 'true'
  const original = await db.as(caller, call.scope('storage.object.copy'), tx => findObject(tx, source.bucketId, source.name))
  const copyMetadata = body.copyMetadata ?? true
  const userMetadata = copyMetadata ? original.user_metadata ?? undefined : body.metadata
  await checkUploadPermission(call, 'storage.object.copy', caller, { ...destination, owner: caller.sub }, upsert)

  const version = randomUUID()
  await files.linkTo(sourceFile(call, original), files.versionPath(destination.bucketId, destination.name, version))
  const id = await commitObject(call, 'storage.object.copy', {
    ...destination, owner: caller.sub, version, metadata: { ...original.metadata, lastModified: new Date().toISOString() }, userMetadata,
  }, upsert)
  call.json({ Id: id, Key: `${destination.bucketId}/${destination.name}` })
}

// ---------------------------------------------------------------------------------------------
// Signed download URLs
// ---------------------------------------------------------------------------------------------

function expiresIn(body: Record<string, unknown>): number {
  const value = body.expiresIn
  if (value === undefined) throw ERRORS.badRequest('body must have required property \'expiresIn\'')
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw ERRORS.badRequest('body/expiresIn must be >= 1')
  return value
}

/** POST /object/sign/{bucket}/{name} {expiresIn}: needs SELECT on the object. */
export async function createSignedUrl(call: StorageCall, bucketId: string, name: string): Promise<void> {
  const caller = await call.caller()
  const body = await call.body<{ expiresIn: number, transform: unknown }>()
  const seconds = expiresIn(body)
  if (body.transform && typeof body.transform === 'object' && Object.keys(body.transform).length > 0) throw ERRORS.notImplemented('Image transformation')
  mustBeValidKey(name)
  await call.services.db.as(caller, call.scope('storage.object.sign'), tx => findObject(tx, bucketId, name))
  const url = `${bucketId}/${name}`
  const token = await call.services.signer.sign({ url, scope: 'download' }, seconds)
  call.json({ signedURL: `/object/sign/${url}?token=${token}` })
}

/** POST /object/sign/{bucket} {expiresIn, paths}: one entry per path, an error for those not visible. */
export async function createSignedUrls(call: StorageCall, bucketId: string): Promise<void> {
  const caller = await call.caller()
  mustBeValidBucketName(bucketId)
  const body = await call.body<{ expiresIn: number, paths: unknown[] }>()
  const seconds = expiresIn(body)
  if (!Array.isArray(body.paths)) throw ERRORS.badRequest('body must have required property \'paths\'')
  const paths = body.paths.map(String)
  const visible = await call.services.db.as(caller, call.scope('storage.object.sign_many'), tx => tx<Array<{ name: string }>>`
    select name from storage.objects where bucket_id = ${bucketId} and name = any(${paths})`)
  const names = new Set(visible.map(row => row.name))
  call.json(await Promise.all(paths.map(async (path) => {
    if (!names.has(path)) return { error: 'Either the object does not exist or you do not have access to it', path, signedURL: null }
    const url = `${bucketId}/${path}`
    const token = await call.services.signer.sign({ url, scope: 'download' }, seconds)
    return { error: null, path, signedURL: `/object/sign/${url}?token=${token}` }
  })))
}

/** The continuation token of list-v2 (object.ts encodeContinuationToken): `l:`, `o:`, `c:`, `a:` lines, base64. */
const cursorParts = { l: 'startAfter', o: 'sortOrder', c: 'sortColumn', a: 'sortColumnAfter' } as const
type Cursor = { startAfter: string, sortOrder: string, sortColumn?: string, sortColumnAfter?: string }

function decodeCursor(token: string): Cursor {
  const cursor: Cursor = { startAfter: '', sortOrder: 'asc' }
  for (const part of Buffer.from(token, 'base64').toString().split('\n')) {
    const match = /^(\S):(.*)/.exec(part)
    if (!match || !(match[1]! in cursorParts)) throw ERRORS.invalidParameter('Invalid Parameter continuation token')
    cursor[cursorParts[match[1] as keyof typeof cursorParts]] = match[2]!
  }
  return cursor
}

function encodeCursor(cursor: Partial<Cursor>): string {
  const lines = Object.entries(cursorParts).filter(([, field]) => cursor[field]).map(([key, field]) => `${key}:${cursor[field]}`)
  return Buffer.from(lines.join('\n')).toString('base64')
}

interface ListedRow { key?: string, name: string, id: string | null, updated_at: Date | null, created_at: Date | null, last_accessed_at: Date | null, metadata: unknown }

/**
 * POST /object/list-v2/{bucket} (ObjectStorage.listObjectsV2): objects under a prefix in pages of
 * `limit` (≤ 1000), by name or a timestamp, with a continuation cursor; `with_delimiter` folds
 * deeper names into folders as storage.search_v2 does. Read as the caller, so RLS decides.
 */
export async function listObjectsV2(call: StorageCall, bucketId: string): Promise<void> {
  const caller = await call.caller()
  mustBeValidBucketName(bucketId)
  const body = await call.body<Record<string, unknown>>()
  const prefix = schemaField(body, 'body/prefix', { type: 'string' }) as string | undefined ?? ''
  const maxKeys = schemaField(body, 'body/limit', { type: 'integer', minimum: 1 }) as number | undefined
  const token = schemaField(body, 'body/cursor', { type: 'string' }) as string | undefined
  if (body.with_delimiter !== undefined && typeof body.with_delimiter !== 'boolean') throw ERRORS.badRequest('body/with_delimiter must be boolean')
  const sortBy = (body.sortBy ?? {}) as Record<string, unknown>
  if (body.sortBy !== undefined && (typeof body.sortBy !== 'object' || body.sortBy === null || sortBy.column === undefined)) throw ERRORS.badRequest('body/sortBy must have required property \'column\'')
  const column = schemaField(sortBy, 'body/sortBy/column', { type: 'string', enum: ['name', 'updated_at', 'created_at'] }) as string | undefined
  const order = schemaField(sortBy, 'body/sortBy/order', { type: 'string', enum: ['asc', 'desc'] }) as string | undefined
  const cursor = token ? decodeCursor(token) : undefined
  const limit = Math.min(maxKeys || 1000, 1000)
  const sortColumn = cursor?.sortColumn || column
  const sortOrder = (cursor?.sortOrder || order) === 'desc' ? 'desc' : 'asc'
  const byTime = sortColumn === 'updated_at' || sortColumn === 'created_at' ? sortColumn : null
  const after = cursor?.startAfter ?? ''
  const timeAfter = cursor?.sortColumnAfter ?? ''
  const pattern = `${prefix.replace(/[\\%_]/g, '\\$&')}%`
  const direction = sortOrder === 'desc' ? '<' : '>'
  const rows = await call.services.db.as(caller, call.scope('storage.object.list_v2'), tx => tx<ListedRow[]>`
    with listed as (
      ${body.with_delimiter
        ? tx`select case when strpos(substr(name, ${prefix.length + 1}), '/') > 0
                      then substr(name, 1, ${prefix.length} + strpos(substr(name, ${prefix.length + 1}), '/')) end as folder, *
             from storage.objects where bucket_id = ${bucketId} and name collate "C" like ${pattern}`
        : tx`select null::text as folder, * from storage.objects where bucket_id = ${bucketId} and name collate "C" like ${pattern}`}
    ), entries as (
      select split_part(folder, '/', ${prefix.split('/').length}) as key, folder as name, null::uuid as id,
             min(created_at) as updated_at, min(created_at) as created_at, null::timestamptz as last_accessed_at, null::jsonb as metadata
        from listed where folder is not null group by folder
      union all
      select split_part(name, '/', ${prefix.split('/').length}), name, id, updated_at, created_at, last_accessed_at, metadata
        from listed where folder is null
    )
    select ${body.with_delimiter ? tx`key, ` : tx``}name, id, updated_at, created_at, last_accessed_at, metadata from entries
    where ${after === ''
      ? tx`true`
      : byTime && timeAfter
        ? tx`row(date_trunc('milliseconds', ${tx(byTime)}), name collate "C") ${tx.unsafe(direction)} row(coalesce(nullif(${timeAfter}, '')::timestamptz, 'epoch'::timestamptz), ${after})`
        : tx`name collate "C" ${tx.unsafe(direction)} ${after}`}
    order by ${byTime ? tx`${tx(byTime)} ${tx.unsafe(sortOrder)}, ` : tx``}name collate "C" ${tx.unsafe(sortOrder)}
    limit ${limit + 1}`)
  const hasNext = rows.length > limit
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  const folders = page.filter(row => row.id === null).map(row => ({ ...row, name: row.name.endsWith('/') ? row.name : `${row.name}/` }))
  const objects = page.filter(row => row.id !== null)
  call.json({
    hasNext,
    ...(hasNext && last && {
      nextCursor: encodeCursor({ startAfter: last.name, sortOrder: cursor?.sortOrder || order, sortColumn, sortColumnAfter: byTime && last[byTime] ? new Date(last[byTime]!).toISOString() : undefined }),
      nextCursorKey: last.name,
    }),
    folders,
    objects,
  })
}
