// The file in an upload request, as storage-api's fileUploadFromRequest reads it: either the raw
// body (headers content-type, cache-control, x-metadata) or the first file of a multipart form
// (fields cacheControl, metadata, contentType sent before the file). Nothing is buffered: the
// body stays a stream for the file store.
import type { IncomingMessage } from 'node:http'
import { PassThrough, type Readable } from 'node:stream'
import busboy from 'busboy'
import { ERRORS, StorageError } from './errors.ts'
import { validateMimeType } from './limits.ts'

export interface IncomingFile {
  body: Readable
  mimeType: string
  cacheControl: string
  userMetadata: Record<string, unknown> | undefined
  /** Content-Length of a raw body (what RLS sees as metadata.contentLength during the dry run). */
  declaredLength: number | undefined
}

const MAX_USER_METADATA_BYTES = 1024 * 1024

/** Studio's placeholder for an empty folder may have no content and any type. */
export const isEmptyFolderPlaceholder = (name: string) => name.endsWith('.emptyFolderPlaceholder')

export async function readIncomingFile(req: IncomingMessage, options: { maxFileSize: number, allowedMimeTypes: string[], objectName: string }): Promise<IncomingFile> {
  const checkMimeType = (mimeType: string) => {
    if (options.allowedMimeTypes.length > 0 && !isEmptyFolderPlaceholder(options.objectName)) validateMimeType(mimeType, options.allowedMimeTypes)
  }
  const declaredLength = contentLength(req)

  if (req.headers['content-type']?.startsWith('multipart/form-data')) {
    const file = await firstFormFile(req, options.maxFileSize)
    const mimeType = file.fields.contentType || file.mimeType
    checkMimeType(mimeType)
    const metadata = file.fields.metadata ?? file.fields.userMetadata
    if (metadata !== undefined && Buffer.byteLength(metadata) > MAX_USER_METADATA_BYTES) throw ERRORS.entityTooLarge('user_metadata')
    return {
      body: file.stream,
      mimeType,
      cacheControl: file.fields.cacheControl ? `max-age=${file.fields.cacheControl}` : 'no-cache',
      userMetadata: parseJsonObject(metadata),
      declaredLength,
    }
  }

  const mimeType = req.headers['content-type'] || 'application/octet-stream'
  checkMimeType(mimeType)
  if (declaredLength !== undefined && declaredLength > options.maxFileSize) throw ERRORS.entityTooLarge()
  const encodedMetadata = req.headers['x-metadata']
  return {
    body: detachedBody(req, req.pipe(new PassThrough())),
    mimeType,
    cacheControl: req.headers['cache-control'] ?? 'no-cache',
    userMetadata: typeof encodedMetadata === 'string' ? parseJsonObject(Buffer.from(encodedMetadata, 'base64').toString('utf8')) : undefined,
    declaredLength,
  }
}

/**
 * The body as a stream of its own: the file store may destroy it on an error without tearing down
 * the connection (the error answer must still reach the client, and keep-alive must survive), and
 * a client that goes away mid-body fails it instead of leaving the upload waiting.
 */
function detachedBody<T extends Readable>(req: IncomingMessage, stream: T): T {
  req.once('close', () => {
    if (!req.complete) stream.destroy(new Error('Request stream closed before upload could complete'))
  })
  return stream
}

function contentLength(req: IncomingMessage): number | undefined {
  const value = Number(req.headers['content-length'])
  return req.headers['content-length'] !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined
}

function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined
  try {
    const value: unknown = JSON.parse(text)
    return value && typeof value === 'object' ? value as Record<string, unknown> : undefined
  }
  catch {
    return undefined
  }
}

interface FormFile {
  stream: Readable
  mimeType: string
  fields: Record<string, string>
}

/**
 * Resolves with the first file part and the fields sent before it (as @fastify/multipart's
 * `request.file()`); the file stream fails with EntityTooLarge once it passes `maxFileSize`.
 */
function firstFormFile(req: IncomingMessage, maxFileSize: number): Promise<FormFile> {
  return new Promise((resolveFile, rejectFile) => {
    let parser: busboy.Busboy
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxFileSize } })
    }
    catch {
      rejectFile(ERRORS.noContentProvided())
      return
    }
    const fields: Record<string, string> = {}
    let found = false
    parser.on('field', (name, value) => {
      if (!found) fields[name] = value
    })
    parser.on('file', (_name, stream, info) => {
      if (found) {
        stream.resume()
        return
      }
      found = true
      // The limit can strike before the file store reads the stream: keep the error on the
      // stream (the store's pipeline picks it up) instead of letting it crash the process.
      stream.on('error', () => {})
      stream.once('limit', () => stream.destroy(ERRORS.entityTooLarge()))
      resolveFile({ stream: detachedBody(req, stream), mimeType: info.mimeType, fields })
    })
    parser.on('error', (error: unknown) => {
      if (!found) rejectFile(error instanceof StorageError ? error : ERRORS.noContentProvided())
    })
    parser.on('close', () => {
      if (!found) rejectFile(ERRORS.noContentProvided())
    })
    req.pipe(parser)
  })
}
