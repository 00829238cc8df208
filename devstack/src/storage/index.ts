// The devstack's Storage API (twin of storage-api v1.60.x) at /storage/v1: buckets and objects in
// storage.buckets/storage.objects under RLS, file bodies under .data/<instance>/storage/.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { tomlValue } from '../config.ts'
import type { ModuleFactory } from '../modules.ts'
import { connect } from '../shared/db.ts'
import { createBucket, deleteBucket, emptyBucket, getBucket, listBuckets, updateBucket } from './buckets.ts'
import { StorageCall, type StorageServices } from './context.ts'
import { StorageDatabase } from './database.ts'
import { ERRORS, StorageError, toStorageError } from './errors.ts'
import { FileStore } from './files.ts'
import { isValidBucketName, parseConfigSize } from './limits.ts'
import {
  copyObject, createSignedUploadUrl, createSignedUrl, createSignedUrls, listObjects, listObjectsV2, moveObject, removeObject,
  removeObjects, serveObject, serveSignedObject, uploadObject, uploadToSignedUrl,
} from './objects.ts'
import { handleResumable, sweepExpiredUploads } from './resumable.ts'
import { UrlSigner } from './signing.ts'

type Handler = (call: StorageCall, bucket: string, name: string) => Promise<void>

interface Route {
  methods: string[]
  /** Matched against the still-encoded path; groups are bucket and object name. */
  pattern: RegExp
  handle: Handler
}

const notImplemented = (feature: string): Handler => () => Promise.reject(ERRORS.notImplemented(feature))

// Order matters where storage-api's static segments win over a bucket name (`/object/public/…`).
const routes: Route[] = [
  { methods: ['GET'], pattern: /^\/bucket\/?$/, handle: call => listBuckets(call) },
  { methods: ['POST'], pattern: /^\/bucket\/?$/, handle: call => createBucket(call) },
  { methods: ['POST'], pattern: /^\/bucket\/([^/]+)\/empty\/?$/, handle: (call, id) => emptyBucket(call, id) },
  { methods: ['GET'], pattern: /^\/bucket\/([^/]+)\/?$/, handle: (call, id) => getBucket(call, id) },
  { methods: ['PUT'], pattern: /^\/bucket\/([^/]+)\/?$/, handle: (call, id) => updateBucket(call, id) },
  { methods: ['DELETE'], pattern: /^\/bucket\/([^/]+)\/?$/, handle: (call, id) => deleteBucket(call, id) },

  { methods: ['POST'], pattern: /^\/object\/list\/([^/]+)\/?$/, handle: (call, bucket) => listObjects(call, bucket) },
  { methods: ['POST'], pattern: /^\/object\/list-v2\/([^/]+)\/?$/, handle: (call, bucket) => listObjectsV2(call, bucket) },
  { methods: ['POST'], pattern: /^\/object\/move\/?$/, handle: call => moveObject(call) },
  { methods: ['POST'], pattern: /^\/object\/copy\/?$/, handle: call => copyObject(call) },
  { methods: ['POST'], pattern: /^\/object\/sign\/([^/]+)\/(.+)$/, handle: createSignedUrl },
  { methods: ['POST'], pattern: /^\/object\/sign\/([^/]+)\/?$/, handle: (call, bucket) => createSignedUrls(call, bucket) },
  { methods: ['GET'], pattern: /^\/object\/sign\/([^/]+)\/(.+)$/, handle: serveSignedObject },
  { methods: ['POST'], pattern: /^\/object\/upload\/sign\/([^/]+)\/(.+)$/, handle: createSignedUploadUrl },
  { methods: ['PUT'], pattern: /^\/object\/upload\/sign\/([^/]+)\/(.+)$/, handle: uploadToSignedUrl },
  { methods: ['GET'], pattern: /^\/object\/info\/public\/([^/]+)\/(.+)$/, handle: (call, b, n) => serveObject(call, b, n, { route: 'public', rendering: 'info' }) },
  { methods: ['GET'], pattern: /^\/object\/info\/authenticated\/([^/]+)\/(.+)$/, handle: (call, b, n) => serveObject(call, b, n, { route: 'authenticated', rendering: 'info' }) },
  { methods: ['GET'], pattern: /^\/object\/info\/([^/]+)\/(.+)$/, handle: (call, b, n) => serveObject(call, b, n, { route: 'optional', rendering: 'info' }) },
  { methods: ['GET', 'HEAD'], pattern: /^\/object\/public\/([^/]+)\/(.+)$/, handle: (call, b, n) => serveObject(call, b, n, { route: 'public', rendering: 'asset' }) },
  { methods: ['GET', 'HEAD'], pattern: /^\/object\/authenticated\/([^/]+)\/(.+)$/, handle: (call, b, n) => serveObject(call, b, n, { route: 'authenticated', rendering: 'asset' }) },
  { methods: ['GET', 'HEAD'], pattern: /^\/object\/([^/]+)\/(.+)$/, handle: (call, b, n) => serveObject(call, b, n, { route: 'optional', rendering: 'asset' }) },
  { methods: ['POST', 'PUT'], pattern: /^\/object\/([^/]+)\/(.+)$/, handle: uploadObject },
  { methods: ['DELETE'], pattern: /^\/object\/([^/]+)\/(.+)$/, handle: removeObject },
  { methods: ['DELETE'], pattern: /^\/object\/([^/]+)\/?$/, handle: (call, bucket) => removeObjects(call, bucket) },

  { methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'], pattern: /^\/render\/image\//, handle: notImplemented('Image transformation') },
  { methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'], pattern: /^\/s3(\/|$)/, handle: notImplemented('The S3 protocol') },
  { methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'], pattern: /^\/(iceberg|vector)(\/|$)/, handle: notImplemented('Analytics and vector buckets') },
  { methods: ['GET'], pattern: /^\/status\/?$/, handle: async call => call.json({}) },
]

function decodeSegment(raw: string | undefined): string {
  try {
    return decodeURIComponent(raw ?? '')
  }
  catch {
    throw ERRORS.invalidKey(raw ?? '')
  }
}

/**
 * A bucket or object name with a control character (NUL above all) can name nothing: no key rule
 * lets one in. storage-api v1.60 hands such a name to Postgres on reads and answers 500 (22021);
 * the devstack refuses it as the key check of writes does, 400 InvalidBucketName / InvalidKey.
 */
const hasControlCharacter = (text: string) => [...text].some(char => char.charCodeAt(0) < 0x20 || char === '\u007F')
function checkNames(bucket: string, name: string): void {
  if (hasControlCharacter(bucket)) throw ERRORS.invalidBucketName()
  if (hasControlCharacter(name)) throw ERRORS.invalidKey(name)
}

async function dispatch(services: StorageServices, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const call = new StorageCall(req, res, path, services)
  const pathname = path.split('?')[0] ?? '/'
  const method = req.method ?? 'GET'
  if (/^\/upload\/resumable(\/|$)/.test(pathname)) {
    await handleResumable(call, pathname)
    return
  }
  const route = routes.find(candidate => candidate.methods.includes(method) && candidate.pattern.test(pathname))
  if (!route) {
    // Fastify's own answer for an unknown route.
    call.json({ statusCode: 404, error: 'Not Found', message: `Route ${method}:${pathname} not found` }, 404)
    return
  }
  try {
    const [, bucket, name] = route.pattern.exec(pathname) ?? []
    const [bucketId, objectName] = [decodeSegment(bucket), decodeSegment(name)]
    checkNames(bucketId, objectName)
    await route.handle(call, bucketId, objectName)
  }
  catch (error) {
    const clientWentAway = (error as NodeJS.ErrnoException)?.code === 'ERR_STREAM_PREMATURE_CLOSE' || req.destroyed
    // Storage's own answers are expected; anything else is worth a log line.
    if (!(error instanceof StorageError) && !clientWentAway) console.error(`[storage] ${method} ${pathname}:`, error)
    call.fail(toStorageError(error))
  }
}

/** Buckets declared as `[storage.buckets.<name>]` in config.toml, created if missing (as `supabase start` does). */
async function createConfiguredBuckets(database: StorageDatabase, toml: Record<string, unknown>): Promise<string[]> {
  const declared = tomlValue<Record<string, Record<string, unknown>>>(toml, 'storage.buckets', {})
  const created: string[] = []
  for (const [id, settings] of Object.entries(declared)) {
    if (!isValidBucketName(id)) throw new Error(`config.toml: [storage.buckets.${id}] is not a valid bucket name`)
    const limit = settings.file_size_limit === undefined ? null : parseConfigSize(settings.file_size_limit as string | number)
    const types = Array.isArray(settings.allowed_mime_types) ? settings.allowed_mime_types.map(String) : null
    const rows = await database.sql`
      insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
      values (${id}, ${id}, ${settings.public === true}, ${limit}, ${types})
      on conflict (id) do nothing returning id`
    if (rows.length > 0) created.push(id)
  }
  return created
}

export const storageModule: ModuleFactory = ({ config, jwt }) => {
  if (tomlValue<boolean>(config.toml, 'storage.enabled', true) === false) return { name: 'storage' }
  const database = new StorageDatabase(connect(config, 'supabase_storage_admin'))
  const services: StorageServices = {
    db: database,
    files: new FileStore(config.storageDir),
    jwt,
    signer: new UrlSigner(config.jwtSecret),
    globalFileSizeLimit: parseConfigSize(tomlValue<string | number>(config.toml, 'storage.file_size_limit', '50MiB')),
  }
  return {
    name: 'storage',
    services: [{
      prefix: '/storage/v1',
      handle: (req, res, path) => dispatch(services, req, res, path),
      close: () => database.sql.end(),
    }],
    async start() {
      // Runs before the API listens, so no upload is in flight: whatever no row points at is debris.
      const rows = await database.sql<Array<{ bucket_id: string, name: string, version: string }>>`
        select bucket_id, name, version from storage.objects where version is not null`
      const referenced = new Set<string>()
      for (const row of rows) {
        try {
          referenced.add(services.files.versionPath(row.bucket_id, row.name, row.version))
        }
        catch (error) {
          if (!(error instanceof StorageError)) throw error
        }
      }
      const removed = await services.files.sweep(referenced)
      await sweepExpiredUploads(services.files.root)
      if (removed > 0) console.log(`Storage: removed ${removed} file(s) of unfinished uploads or deleted objects`)
      const created = await createConfiguredBuckets(database, config.toml)
      if (created.length > 0) console.log(`Storage: created bucket(s) from config.toml: ${created.join(', ')}`)
    },
    describe: () => [`storage    ${config.apiUrl}/storage/v1 (storage-api v1.60 twin, files in ${config.storageDir})`],
  }
}
