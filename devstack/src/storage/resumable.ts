// Resumable uploads at /upload/resumable: the TUS 1.0.0 protocol as storage-api serves it
// (src/http/routes/tus, @tus/server with its file store). The upload id in the URL is the
// base64url of `<bucket>/<object name>/<version>`; metadata names bucketName, objectName,
// contentType, cacheControl and metadata (JSON). POST, PATCH and DELETE check the upload as the
// caller (the RLS dry run of a plain upload, again on every part); HEAD needs a valid JWT only.
// Errors are plain text with the semantic status (403 for RLS, 413, 415 …), as @tus/server
// writes them. The finished file becomes the object exactly as a plain upload would.
//
// Parts are appended to `<root>/~resumable/<id hash>/data`, flushed before the offset is
// answered, so an interrupted PATCH keeps what arrived and a restarted devstack resumes. An
// upload expires one hour after it was created (storage-api's TUS_URL_EXPIRY_MS default): 410.
// Nothing is buffered in memory. Not served: the signed variant (/upload/resumable/sign: 501).
import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { StorageCall } from './context.ts'
import { superUser } from './database.ts'
import { ERRORS, StorageError, toStorageError } from './errors.ts'
import { RESUMABLE_FOLDER } from './files.ts'
import { mustBeValidBucketName, mustBeValidKey, validateMimeType } from './limits.ts'
import { checkUploadPermission, commitObject, findBucket } from './objects.ts'

const TUS_VERSION = '1.0.0'
const EXPIRY_MS = 60 * 60 * 1000
const TUS_HEADERS = [
  'Authorization', 'Content-Type', 'Location', 'Tus-Extension', 'Tus-Max-Size', 'Tus-Resumable', 'Tus-Version',
  'Upload-Concat', 'Upload-Defer-Length', 'Upload-Length', 'Upload-Metadata', 'Upload-Offset',
  'X-HTTP-Method-Override', 'X-Requested-With', 'X-Forwarded-Host', 'X-Forwarded-Proto', 'Forwarded',
].join(', ')

/** A refusal as @tus/server words it: status and a plain-text body. */
class TusRefusal extends Error {
  readonly status: number
  readonly body: string
  constructor(status: number, body: string) {
    super(body)
    this.status = status
    this.body = body
  }
}
const refusals = {
  missingOffset: () => new TusRefusal(403, 'Upload-Offset header required\n'),
  missingContentType: () => new TusRefusal(403, 'Content-Type header required\n'),
  notFound: () => new TusRefusal(404, 'The file for this url was not found\n'),
  offsetConflict: () => new TusRefusal(409, 'Upload-Offset conflict\n'),
  gone: () => new TusRefusal(410, 'The file for this url no longer exists\n'),
  sizeExceeded: () => new TusRefusal(413, 'upload\'s size exceeded\n'),
  maxSizeExceeded: () => new TusRefusal(413, 'Maximum size exceeded\n'),
  invalidLength: () => new TusRefusal(400, 'Upload-Length or Upload-Defer-Length header required\n'),
  invalidMetadata: () => new TusRefusal(400, 'Upload-Metadata is invalid. It MUST consist of one or more comma-separated key-value pairs. The key and value MUST be separated by a space. The key MUST NOT contain spaces and commas and MUST NOT be empty. The key SHOULD be ASCII encoded and the value MUST be Base64 encoded. All keys MUST be unique'),
  completedTermination: () => new TusRefusal(400, 'Cannot terminate an already completed upload'),
  deferredLength: () => new TusRefusal(501, 'creation-defer-length extension is not (yet) supported.\n'),
  concatenation: () => new TusRefusal(501, 'Concatenation extension is not (yet) supported. Disable parallel uploads in the tus client.\n'),
}

interface UploadInfo {
  bucketId: string
  name: string
  version: string
  size: number
  owner: string | undefined
  upsert: boolean
  metadata: Record<string, string>
  createdAt: number
}

interface UploadId {
  bucketId: string
  name: string
  version: string
}

const encodeId = (id: UploadId) => Buffer.from(`${id.bucketId}/${id.name}/${id.version}`, 'utf8').toString('base64url')

function decodeId(raw: string): UploadId {
  const parts = Buffer.from(raw, 'base64url').toString('utf8').split('/')
  const version = parts.pop()
  const [bucketId, ...nameParts] = parts
  if (!bucketId || nameParts.length === 0 || !version) {
    throw new StorageError({ code: 'InvalidUploadId', status: 400, message: 'Invalid upload id' })
  }
  const name = nameParts.join('/')
  mustBeValidBucketName(bucketId)
  mustBeValidKey(name)
  return { bucketId, name, version }
}

/** `key base64value,key2 base64value2` (TUS Upload-Metadata). */
export function parseUploadMetadata(header: string | undefined): Record<string, string> {
  const metadata: Record<string, string> = {}
  if (header === undefined || header.trim() === '') return metadata
  for (const pair of header.split(',')) {
    const [key, value, ...rest] = pair.trim().split(' ')
    if (!key || rest.length > 0 || key in metadata || (value !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(value))) {
      throw refusals.invalidMetadata()
    }
    metadata[key] = value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8')
  }
  return metadata
}

const formatMetadata = (metadata: Record<string, string>) =>
  Object.entries(metadata).map(([key, value]) => `${key} ${Buffer.from(value, 'utf8').toString('base64')}`).join(',')

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined
  try {
    const value: unknown = JSON.parse(text)
    return value && typeof value === 'object' ? value as Record<string, unknown> : undefined
  }
  catch {
    return undefined
  }
}

/** One upload's folder: its part file and its description. */
class UploadFolder {
  readonly dir: string

  constructor(root: string, id: UploadId) {
    // The hash keeps any object name (slashes, Unicode) out of the file system's way.
    const key = createHash('sha256').update(`${id.bucketId}\0${id.name}\0${id.version}`).digest('hex')
    this.dir = join(root, RESUMABLE_FOLDER, key)
  }

  get data() {
    return join(this.dir, 'data')
  }

  async read(): Promise<UploadInfo | undefined> {
    const text = await readFile(join(this.dir, 'info.json'), 'utf8').catch(() => undefined)
    return text === undefined ? undefined : JSON.parse(text) as UploadInfo
  }

  async create(info: UploadInfo): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    await writeFile(this.data, '', { flag: 'wx', flush: true })
    await writeFile(join(this.dir, 'info.json'), JSON.stringify(info), { flush: true })
  }

  async offset(): Promise<number> {
    return (await stat(this.data).catch(() => ({ size: 0 }))).size
  }

  remove(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true })
  }
}

/** Per upload, one request at a time; a newer request stops the older one (as @tus/server's locker asks the holder to release). */
const inFlight = new Map<string, { request: IncomingMessage, done: Promise<void> }>()

async function exclusively<T>(folder: UploadFolder, req: IncomingMessage, work: () => Promise<T>): Promise<T> {
  const previous = inFlight.get(folder.dir)
  if (previous) {
    previous.request.unpipe()
    previous.request.destroy()
    await previous.done
  }
  let release!: () => void
  const done = new Promise<void>((resolveDone) => {
    release = resolveDone
  })
  inFlight.set(folder.dir, { request: req, done })
  try {
    return await work()
  }
  finally {
    if (inFlight.get(folder.dir)?.done === done) inFlight.delete(folder.dir)
    release()
  }
}

function headerNumber(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined
  return Number(value)
}

function uploadUrl(call: StorageCall, id: string): string {
  const headers = call.req.headers
  const proto = (typeof headers['x-forwarded-proto'] === 'string' && headers['x-forwarded-proto']) || 'http'
  const host = (typeof headers['x-forwarded-host'] === 'string' && headers['x-forwarded-host']) || headers.host || '127.0.0.1'
  return `${proto}://${host}/storage/v1/upload/resumable/${id}`
}

/** The bucket's size limit, capped by config.toml's global one (storage-api's maxSize). */
async function maxSize(call: StorageCall, bucketId: string): Promise<number> {
  const bucket = await call.services.db.as(superUser, call.scope('storage.object.upload_resumable'), tx => findBucket(tx, bucketId))
  if (!bucket) throw ERRORS.noSuchBucket()
  return Math.min(call.services.globalFileSizeLimit, bucket.file_size_limit || Infinity)
}

/** Appends the request body at `offset`, flushed; stops with 413 past `limit` bytes. Returns the new offset. */
async function appendBody(call: StorageCall, folder: UploadFolder, offset: number, limit: number): Promise<number> {
  let received = 0
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length
      if (received > limit) return done(refusals.sizeExceeded())
      done(null, chunk)
    },
  })
  try {
    await pipeline(call.req, meter, createWriteStream(folder.data, { flags: 'r+', start: offset, flush: true }))
  }
  catch (error) {
    // A client that went away keeps what arrived: that is where it resumes.
    if (error instanceof TusRefusal) throw error
  }
  return await folder.offset()
}

async function checkAsCaller(call: StorageCall, info: Pick<UploadInfo, 'bucketId' | 'name' | 'owner' | 'upsert' | 'metadata' | 'size'>): Promise<void> {
  const caller = await call.caller()
  await checkUploadPermission(call, 'storage.object.upload_resumable', caller, {
    bucketId: info.bucketId,
    name: info.name,
    owner: info.owner,
    metadata: { mimetype: info.metadata.contentType, contentLength: info.size },
    userMetadata: parseJson(info.metadata.metadata),
  }, info.upsert)
}

/** The finished upload becomes the object: md5 for the ETag, the file moved into place, the row written. */
async function finish(call: StorageCall, folder: UploadFolder, info: UploadInfo): Promise<void> {
  const { files } = call.services
  const md5 = createHash('md5')
  await pipeline(createReadStream(folder.data), new Transform({
    transform(chunk: Buffer, _encoding, done) {
      md5.update(chunk)
      done()
    },
  }))
  const target = files.versionPath(info.bucketId, info.name, info.version)
  await files.adopt(folder.data, target)
  await commitObject(call, 'storage.object.upload_resumable', {
    bucketId: info.bucketId,
    name: info.name,
    owner: info.owner,
    version: info.version,
    metadata: {
      eTag: `"${md5.digest('hex')}"`,
      size: info.size,
      mimetype: info.metadata.contentType || 'application/octet-stream',
      cacheControl: /^-?\d+$/.test(info.metadata.cacheControl ?? '') ? `max-age=${info.metadata.cacheControl}` : 'no-cache',
      lastModified: new Date().toISOString(),
      contentLength: info.size,
      httpStatusCode: 200,
    },
    userMetadata: { ...parseJson(info.metadata.metadata) },
  }, info.upsert)
  await folder.remove()
}

async function create(call: StorageCall, headers: Record<string, string>): Promise<number> {
  const req = call.req
  if ('upload-concat' in req.headers) throw refusals.concatenation()
  if (req.headers['upload-defer-length'] !== undefined) throw refusals.deferredLength()
  const size = headerNumber(req.headers['upload-length'])
  if (size === undefined) throw refusals.invalidLength()
  const metadata = parseUploadMetadata(req.headers['upload-metadata'] as string | undefined)
  const id: UploadId = { bucketId: metadata.bucketName ?? '', name: metadata.objectName ?? '', version: randomUUID() }
  mustBeValidBucketName(id.bucketId)
  mustBeValidKey(id.name)
  if (size > await maxSize(call, id.bucketId)) throw refusals.maxSizeExceeded()
  const caller = await call.caller()
  const info: UploadInfo = { ...id, size, owner: caller.sub, upsert: req.headers['x-upsert'] === 'true', metadata, createdAt: Date.now() }
  await checkAsCaller(call, info)
  const bucket = await call.services.db.as(superUser, call.scope('storage.object.upload_resumable'), tx => findBucket(tx, id.bucketId))
  if (metadata.contentType && bucket?.allowed_mime_types?.length) validateMimeType(metadata.contentType, bucket.allowed_mime_types)

  const folder = new UploadFolder(call.services.files.root, id)
  await folder.create(info)
  const encoded = encodeId(id)
  headers.Location = uploadUrl(call, encoded)
  let offset = 0
  // creation-with-upload: the first part may come with the POST.
  if (req.headers['content-type'] === 'application/offset+octet-stream') {
    offset = await exclusively(folder, req, () => appendBody(call, folder, 0, size))
    headers['Upload-Offset'] = String(offset)
  }
  if (offset === size) await finish(call, folder, info)
  else headers['Upload-Expires'] = new Date(info.createdAt + EXPIRY_MS).toUTCString()
  return 201
}

async function existing(call: StorageCall, rawId: string): Promise<{ folder: UploadFolder, info: UploadInfo }> {
  const id = decodeId(rawId)
  const folder = new UploadFolder(call.services.files.root, id)
  const info = await folder.read()
  if (!info) throw refusals.notFound()
  if (Date.now() > info.createdAt + EXPIRY_MS) {
    await folder.remove()
    throw refusals.gone()
  }
  return { folder, info }
}

async function head(call: StorageCall, rawId: string, headers: Record<string, string>): Promise<number> {
  await call.caller()
  const { folder, info } = await existing(call, rawId)
  headers['Upload-Offset'] = String(await folder.offset())
  headers['Upload-Length'] = String(info.size)
  headers['Cache-Control'] = 'no-store'
  if (Object.keys(info.metadata).length > 0) headers['Upload-Metadata'] = formatMetadata(info.metadata)
  return 200
}

async function patch(call: StorageCall, rawId: string, headers: Record<string, string>): Promise<number> {
  const req = call.req
  const offset = headerNumber(req.headers['upload-offset'])
  if (req.headers['upload-offset'] === undefined || offset === undefined) throw refusals.missingOffset()
  if (req.headers['content-type'] !== 'application/offset+octet-stream') throw refusals.missingContentType()
  const { folder, info } = await existing(call, rawId)
  // Every part is checked again: a member removed meanwhile cannot finish the upload.
  await checkAsCaller(call, info)
  const newOffset = await exclusively(folder, req, async () => {
    if (await folder.offset() !== offset) throw refusals.offsetConflict()
    return await appendBody(call, folder, offset, info.size - offset)
  })
  if (newOffset === info.size) {
    await finish(call, folder, info)
    headers['Tus-Complete'] = '1'
  }
  else headers['Upload-Expires'] = new Date(info.createdAt + EXPIRY_MS).toUTCString()
  headers['Upload-Offset'] = String(newOffset)
  return 204
}

async function terminate(call: StorageCall, rawId: string): Promise<number> {
  const { folder, info } = await existing(call, rawId).catch((error: unknown) => {
    // An upload that finished has no folder any more: storage-api refuses to terminate it.
    if (error instanceof TusRefusal && error.status === 404) throw refusals.completedTermination()
    throw error
  })
  await checkAsCaller(call, info)
  await exclusively(folder, call.req, () => folder.remove())
  return 204
}

/** Handles every request under /upload/resumable. */
export async function handleResumable(call: StorageCall, pathname: string): Promise<void> {
  const { req, res } = call
  const method = req.method ?? 'GET'
  const rawId = /^\/upload\/resumable\/([^/]+)\/?$/.exec(pathname)?.[1]
  const headers: Record<string, string> = { 'Tus-Resumable': TUS_VERSION, 'Access-Control-Expose-Headers': TUS_HEADERS }
  const write = (status: number, body = '') => {
    if (status !== 204) headers['Content-Length'] = String(Buffer.byteLength(body))
    if (!req.readableEnded) {
      req.unpipe()
      req.resume()
    }
    res.writeHead(status, headers)
    res.end(body)
  }
  try {
    if (pathname.startsWith('/upload/resumable/sign')) throw ERRORS.notImplemented('Signed resumable uploads')
    if (method === 'OPTIONS') {
      headers['Tus-Version'] = TUS_VERSION
      headers['Tus-Extension'] = 'creation,creation-with-upload,termination,expiration'
      headers['Tus-Max-Size'] = String(call.services.globalFileSizeLimit)
      return write(204)
    }
    if (!req.headers['tus-resumable']) return write(412, 'Tus-Resumable Required\n')
    let status: number
    if (method === 'POST' && rawId === undefined) status = await create(call, headers)
    else if (rawId === undefined) return write(404, 'Not found\n')
    else if (method === 'HEAD') status = await head(call, rawId, headers)
    else if (method === 'PATCH') status = await patch(call, rawId, headers)
    else if (method === 'DELETE') status = await terminate(call, rawId)
    else return write(404, 'Not found\n')
    write(status)
  }
  catch (error) {
    if (error instanceof TusRefusal) return write(error.status, error.body)
    const storageError = toStorageError(error)
    if (!(error instanceof StorageError) && !req.destroyed) console.error(`[storage] ${method} ${pathname}:`, error)
    // storage-api's onResponseError: the semantic status with the message as text.
    if (storageError.code === 'NotImplemented') return call.fail(storageError)
    write(storageError.status, storageError.message)
  }
}

/** Start-up: removes resumable uploads that expired; the others stay resumable. */
export async function sweepExpiredUploads(root: string): Promise<void> {
  const base = join(root, RESUMABLE_FOLDER)
  const entries = await readdir(base).catch(() => [])
  for (const entry of entries) {
    const folder = join(base, entry)
    const text = await readFile(join(folder, 'info.json'), 'utf8').catch(() => undefined)
    const createdAt = text === undefined ? 0 : (JSON.parse(text) as UploadInfo).createdAt
    if (Date.now() > createdAt + EXPIRY_MS) await rm(folder, { recursive: true, force: true })
  }
}
