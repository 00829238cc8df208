// Fixtures for the Storage contract tests: buckets and RLS policies created as `postgres` (as a
// migration would), unique per test file because all files share one database, and removed
// through the Storage API afterwards so a real Supabase drops the files too.
import { randomUUID } from 'node:crypto'
import { expect } from 'vitest'
import { testEnv } from './env.ts'
import { db, serviceClient } from './personas.ts'

export const uniqueBucketName = (label: string) => `${label}-${randomUUID().slice(0, 8)}`

export interface BucketFixture {
  public?: boolean
  fileSizeLimit?: number
  allowedMimeTypes?: string[]
}

export async function createBucketBySql(id: string, options: BucketFixture = {}): Promise<string> {
  await db()`
    insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
    values (${id}, ${id}, ${options.public ?? false}, ${options.fileSizeLimit ?? null}, ${options.allowedMimeTypes ?? null})`
  return id
}

/**
 * Creates policies written with `$bucket` for the bucket's id; they are dropped by
 * dropStorageFixtures. `table` is `objects` or `buckets`.
 */
export async function createPolicies(bucket: string, policies: Array<{ name: string, table?: 'objects' | 'buckets', sql: string }>): Promise<void> {
  for (const policy of policies) {
    const name = `${bucket}: ${policy.name}`
    created.push({ name, table: policy.table ?? 'objects' })
    await db().unsafe(`create policy "${name}" on storage.${policy.table ?? 'objects'} ${policy.sql.replaceAll('$bucket', `'${bucket}'`)}`)
  }
}

const created: Array<{ name: string, table: string }> = []

export async function dropStorageFixtures(buckets: string[]): Promise<void> {
  const storage = serviceClient().storage
  for (const bucket of buckets) {
    await storage.emptyBucket(bucket)
    await storage.deleteBucket(bucket)
  }
  for (const policy of created.splice(0)) await db().unsafe(`drop policy if exists "${policy.name}" on storage.${policy.table}`)
}

/** storage-js's StorageApiError: the message plus the body's semantic status and code. */
interface StorageApiErrorLike {
  message: string
  statusCode?: string
  code?: string
}

/** Storage's error as storage-js hands it over. */
export function expectStorageError(error: unknown, expected: { statusCode: string, code?: string, message?: string | RegExp }): void {
  expect(error, 'expected a Storage error').toBeTruthy()
  const actual = error as StorageApiErrorLike
  expect(actual.statusCode).toBe(expected.statusCode)
  if (expected.code) expect(actual.code).toBe(expected.code)
  if (typeof expected.message === 'string') expect(actual.message).toBe(expected.message)
  else if (expected.message) expect(actual.message).toMatch(expected.message)
}

export const rlsViolation = { statusCode: '403', code: 'AccessDenied', message: 'new row violates row-level security policy' }
export const objectNotFound = { statusCode: '404', code: 'NoSuchKey', message: 'Object not found' }
export const bucketNotFound = { statusCode: '404', code: 'NoSuchBucket', message: 'Bucket not found' }

export const storageUrl = `${testEnv.supabaseUrl}/storage/v1`

/** Headers of a raw request as supabase-js would send them for `token`. */
export const authHeaders = (token: string) => ({ apikey: testEnv.anonKey, authorization: `Bearer ${token}` })

/** The object's row as Storage left it (read as postgres, so RLS does not hide it). */
export async function objectRow(bucket: string, name: string) {
  const [row] = await db()<Array<{ id: string, owner_id: string | null, version: string | null, metadata: Record<string, unknown> | null, user_metadata: Record<string, unknown> | null }>>`
    select id, owner_id, version, metadata, user_metadata from storage.objects where bucket_id = ${bucket} and name = ${name}`
  return row
}
