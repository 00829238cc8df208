// Bucket routes of storage-api (src/http/routes/bucket/*), each statement run as the caller so RLS
// on storage.buckets (and storage.objects for emptying) decides.
import { type StorageCall, requiredString } from './context.ts'
import { superUser, type Tx } from './database.ts'
import { ERRORS } from './errors.ts'
import { isUuid, mustBeValidBucketName, parseFileSizeToBytes, validateAllowedMimeTypes } from './limits.ts'
import { removeFiles } from './objects.ts'

// The columns (and their order in the JSON) getAllBuckets.ts and getBucket.ts select: a single
// bucket comes without `type`.
const listColumns = (tx: Tx) => tx`
  id, name, public, owner, created_at, updated_at, file_size_limit::float8 as file_size_limit, allowed_mime_types, type`
const bucketColumns = (tx: Tx) => tx`
  id, name, owner, public, created_at, updated_at, file_size_limit::float8 as file_size_limit, allowed_mime_types`

const sortColumns = new Set(['id', 'name', 'created_at', 'updated_at'])

/** GET /bucket[?limit&offset&sortColumn&sortOrder&search] */
export async function listBuckets(call: StorageCall): Promise<void> {
  const caller = await call.caller()
  const limit = call.query.get('limit')
  const offset = call.query.get('offset')
  const search = call.query.get('search')
  const sortColumn = call.query.get('sortColumn') ?? 'name'
  if (!sortColumns.has(sortColumn)) throw ERRORS.badRequest(`querystring/sortColumn must be equal to one of the allowed values`)
  const descending = call.query.get('sortOrder')?.toLowerCase() === 'desc'
  const rows = await call.services.db.as(caller, call.scope('storage.bucket.list'), tx => tx`
    select ${listColumns(tx)} from storage.buckets
     ${search ? tx`where name ilike ${`%${search}%`}` : tx``}
     order by ${tx(sortColumn)} ${descending ? tx`desc` : tx`asc`}
     ${limit ? tx`limit ${Number(limit)}` : tx``} ${offset ? tx`offset ${Number(offset)}` : tx``}`)
  call.json(rows)
}

/** GET /bucket/{id} */
export async function getBucket(call: StorageCall, id: string): Promise<void> {
  const caller = await call.caller()
  const [bucket] = await call.services.db.as(caller, call.scope('storage.bucket.get'), tx => tx`
    select ${bucketColumns(tx)} from storage.buckets where id = ${id}`)
  if (!bucket) throw ERRORS.noSuchBucket()
  call.json(bucket)
}

interface BucketSettings {
  id: string
  name: string
  public: boolean
  file_size_limit: number | string | null
  allowed_mime_types: string[] | null
  type: string
}

/** The limit and type list of a create/update body, validated as storage-api does. */
function limits(call: StorageCall, body: Partial<BucketSettings>) {
  const settings: { file_size_limit?: number | null, allowed_mime_types?: string[] | null } = {}
  if (body.file_size_limit !== undefined) {
    const limit = typeof body.file_size_limit === 'string' ? parseFileSizeToBytes(body.file_size_limit) : body.file_size_limit
    if (limit !== null && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0)) throw ERRORS.invalidFileSizeLimit()
    if (limit !== null && limit > call.services.globalFileSizeLimit) throw ERRORS.entityTooLarge()
    settings.file_size_limit = limit
  }
  if (body.allowed_mime_types !== undefined) {
    const types = body.allowed_mime_types?.filter(Boolean) ?? null
    if (types) validateAllowedMimeTypes(types)
    settings.allowed_mime_types = types
  }
  return settings
}

/** POST /bucket {id, name, public, file_size_limit, allowed_mime_types} → {name} */
export async function createBucket(call: StorageCall): Promise<void> {
  const caller = await call.caller()
  const body = await call.body<BucketSettings>()
  const name = requiredString(body, 'name')
  const id = typeof body.id === 'string' && body.id ? body.id : name
  mustBeValidBucketName(id)
  mustBeValidBucketName(name)
  if (body.type !== undefined && body.type !== 'STANDARD') throw ERRORS.notImplemented(`Buckets of type ${String(body.type)}`)
  const settings = limits(call, body)
  await call.services.db.as(caller, call.scope('storage.bucket.create'), tx => tx`
    insert into storage.buckets (id, name, owner, owner_id, public, file_size_limit, allowed_mime_types)
    values (${id}, ${name}, ${isUuid(caller.sub) ? caller.sub : null}, ${caller.sub ?? null},
            ${body.public === true}, ${settings.file_size_limit ?? null}, ${settings.allowed_mime_types ?? null})`)
  call.json({ name })
}

/** PUT /bucket/{id} {public, file_size_limit, allowed_mime_types}: SELECT + UPDATE as the caller. */
export async function updateBucket(call: StorageCall, id: string): Promise<void> {
  const caller = await call.caller()
  mustBeValidBucketName(id)
  const body = await call.body<BucketSettings>()
  const settings = limits(call, body)
  const changes: Record<string, unknown> = { ...settings }
  if (typeof body.public === 'boolean') changes.public = body.public
  const updated = await call.services.db.as(caller, call.scope('storage.bucket.update'), async (tx) => {
    if (Object.keys(changes).length === 0) return tx`select id from storage.buckets where id = ${id}`
    return tx`update storage.buckets set ${tx(changes)}, updated_at = now() where id = ${id} returning id`
  })
  if (updated.length === 0) throw ERRORS.noSuchBucket()
  call.json({ message: 'Successfully updated' })
}

/**
 * POST /bucket/{id}/empty as storage-api's Storage.emptyBucket: the bucket must be visible to the
 * caller and its first object deletable by the caller (tried, rolled back); then every object
 * created before the request goes, as storage-api's queued admin job deletes them (here at once).
 */
export async function emptyBucket(call: StorageCall, id: string): Promise<void> {
  const caller = await call.caller()
  const scope = call.scope('storage.bucket.empty')
  const { db } = call.services
  const before = new Date()
  const [bucket] = await db.as(caller, scope, tx => tx`select id from storage.buckets where id = ${id}`)
  if (!bucket) throw ERRORS.noSuchBucket()
  const [first] = await db.as(superUser, scope, tx => tx<Array<{ name: string }>>`
    select name from storage.objects where bucket_id = ${id} and created_at < ${before} order by name limit 1`)
  if (first) {
    await db.dryRun(caller, scope, async (tx) => {
      const [deleted] = await tx`delete from storage.objects where bucket_id = ${id} and name = ${first.name} returning id`
      if (!deleted) throw ERRORS.noSuchKey()
    })
    const deleted = await db.as(superUser, scope, tx => tx<Array<{ bucket_id: string, name: string, version: string | null }>>`
      delete from storage.objects where bucket_id = ${id} and created_at < ${before} returning bucket_id, name, version`)
    await removeFiles(call, deleted)
  }
  call.json({ message: 'Empty bucket has been queued. Completion may take up to an hour.' })
}

/** DELETE /bucket/{id}: only an empty bucket, and only with DELETE on it. */
export async function deleteBucket(call: StorageCall, id: string): Promise<void> {
  const caller = await call.caller()
  const scope = call.scope('storage.bucket.delete')
  const { db } = call.services
  await db.as(superUser, scope, async (tx) => {
    const [bucket] = await tx`select id from storage.buckets where id = ${id} for update`
    if (!bucket) throw ERRORS.noSuchBucket()
    const [{ count }] = await tx<[{ count: number }]>`select count(*)::int as count from storage.objects where bucket_id = ${id}`
    if (count > 0) throw ERRORS.bucketNotEmpty()
  })
  const deleted = await db.as(caller, scope, tx => tx`delete from storage.buckets where id = ${id} returning id`)
  if (deleted.length === 0) throw ERRORS.noSuchBucket()
  await call.services.files.removeBucketFolder(id)
  call.json({ message: 'Successfully deleted' })
}
