// Bucket endpoints through storage-js (contract §4.3) as the service role, and public buckets as
// anonymous visitors see them.
import { afterAll, describe, expect, it } from 'vitest'
import { anonClient, closeDb, serviceClient } from '../helpers/personas.ts'
import { createBucketBySql, dropStorageFixtures, expectStorageError, storageUrl, uniqueBucketName } from '../helpers/storage.ts'
import { waitFor } from '../helpers/wait.ts'

const buckets: string[] = []
const newBucket = (label: string) => {
  const name = uniqueBucketName(label)
  buckets.push(name)
  return name
}
const storage = () => serviceClient().storage

afterAll(async () => {
  await dropStorageFixtures(buckets)
  await closeDb()
})

describe('create, read, update', () => {
  it('creates a bucket with limits and returns its settings', async () => {
    const id = newBucket('bkt-create')
    const created = await storage().createBucket(id, { public: false, fileSizeLimit: '5MB', allowedMimeTypes: ['application/pdf', 'image/*'] })
    expect(created).toEqual({ data: { name: id }, error: null })
    const { data } = await storage().getBucket(id)
    expect(data).toMatchObject({ id, name: id, public: false, file_size_limit: 5_000_000, allowed_mime_types: ['application/pdf', 'image/*'] })
    // getBucket.ts selects no `type`; getAllBuckets.ts does.
    expect(Object.keys(data!).sort()).toEqual(['allowed_mime_types', 'created_at', 'file_size_limit', 'id', 'name', 'owner', 'public', 'updated_at'])
    expect(new Date(data!.created_at).getTime()).not.toBeNaN()
    expect((await storage().listBuckets()).data?.find(bucket => bucket.id === id)).toMatchObject({ type: 'STANDARD' })
    expect((await storage().listBuckets({ search: id })).data?.map(bucket => bucket.id)).toEqual([id])
  })

  it('updates public, size limit and types', async () => {
    const id = newBucket('bkt-update')
    await storage().createBucket(id, { public: false })
    const updated = await storage().updateBucket(id, { public: true, fileSizeLimit: 1024, allowedMimeTypes: ['text/plain'] })
    expect(updated).toEqual({ data: { message: 'Successfully updated' }, error: null })
    expect((await storage().getBucket(id)).data).toMatchObject({ public: true, file_size_limit: 1024, allowed_mime_types: ['text/plain'] })
  })

  it('serves buckets created by SQL, as a migration would', async () => {
    const id = newBucket('bkt-sql')
    await createBucketBySql(id, { public: true })
    expect((await storage().getBucket(id)).data).toMatchObject({ id, public: true })
    expect((await storage().from(id).upload('hallo.txt', 'hallo')).error).toBeNull()
  })

  it('refuses duplicates, invalid names, limits above the project\'s and unknown type patterns', async () => {
    const id = newBucket('bkt-dup')
    await storage().createBucket(id)
    expectStorageError((await storage().createBucket(id)).error, { statusCode: '409', message: 'The resource already exists' })
    expectStorageError((await storage().createBucket('mit/schrägstrich')).error, { statusCode: '400', code: 'InvalidBucketName', message: 'Bucket name invalid' })
    expectStorageError((await storage().createBucket(newBucket('bkt-big'), { public: false, fileSizeLimit: '900GB' })).error, { statusCode: '413', code: 'EntityTooLarge' })
    expectStorageError((await storage().createBucket(newBucket('bkt-mime'), { public: false, allowedMimeTypes: ['kein typ'] })).error, { statusCode: '415', code: 'InvalidMimeType' })
    expectStorageError((await storage().getBucket(uniqueBucketName('bkt-missing'))).error, { statusCode: '404', code: 'NoSuchBucket', message: 'Bucket not found' })
  })
})

describe('empty and delete', () => {
  it('refuses to delete a bucket with objects, empties it, then deletes it', async () => {
    const id = newBucket('bkt-delete')
    await storage().createBucket(id)
    await storage().from(id).upload('a/b.txt', 'b')
    await storage().from(id).upload('c.txt', 'c')
    expectStorageError((await storage().deleteBucket(id)).error, { statusCode: '409', code: 'ResourceNotEmpty', message: 'The bucket you tried to delete is not empty' })
    expect(await storage().emptyBucket(id)).toEqual({ data: { message: 'Empty bucket has been queued. Completion may take up to an hour.' }, error: null })
    // storage-api queues the deletion; the devstack deletes at once.
    const emptied = await waitFor(async () => ((await storage().from(id).list()).data?.length === 0 ? true : undefined), 30_000)
    expect(emptied).toBe(true)
    expect(await storage().deleteBucket(id)).toEqual({ data: { message: 'Successfully deleted' }, error: null })
    expectStorageError((await storage().getBucket(id)).error, { statusCode: '404', code: 'NoSuchBucket' })
    expectStorageError((await storage().deleteBucket(id)).error, { statusCode: '404', code: 'NoSuchBucket' })
  })
})

describe('public buckets', () => {
  it('serves public files to anyone at the public URL, private ones never', async () => {
    const open = newBucket('bkt-public')
    const closed = newBucket('bkt-private')
    await storage().createBucket(open, { public: true })
    await storage().createBucket(closed, { public: false })
    await storage().from(open).upload('aushang.txt', 'Öffnungszeiten', { contentType: 'text/plain' })
    await storage().from(closed).upload('akte.txt', 'vertraulich', { contentType: 'text/plain' })

    const publicUrl = anonClient().storage.from(open).getPublicUrl('aushang.txt').data.publicUrl
    expect(publicUrl).toBe(`${storageUrl}/object/public/${open}/aushang.txt`)
    const response = await fetch(publicUrl)
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('Öffnungszeiten')
    // A public bucket needs no SELECT policy, even for the authenticated download route.
    expect(await (await anonClient().storage.from(open).download('aushang.txt')).data?.text()).toBe('Öffnungszeiten')

    const refused = await fetch(anonClient().storage.from(closed).getPublicUrl('akte.txt').data.publicUrl)
    expect(refused.status).toBe(400)
    expect(await refused.json()).toMatchObject({ statusCode: '404', error: 'Bucket not found', message: 'Bucket not found' })
    const withoutKey = await fetch(`${storageUrl}/object/${closed}/akte.txt`)
    expect((await withoutKey.json()).statusCode).toBe('404')
  })
})
