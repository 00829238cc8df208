// Resumable uploads (TUS 1.0.0) at /storage/v1/upload/resumable, as storage-api serves them with
// @tus/server: tus-js-client uploads in parts and resumes where the server says it stopped; RLS
// is asked at creation and for every part; bucket limits are refused with @tus/server's status
// and text; the finished upload is an ordinary object (same row, ETag, download).
import { createHash, randomBytes } from 'node:crypto'
import * as tus from 'tus-js-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDb, createPersona, type Persona } from '../helpers/personas.ts'
import { authHeaders, createBucketBySql, createPolicies, dropStorageFixtures, objectRow, storageUrl, uniqueBucketName } from '../helpers/storage.ts'
import { testEnv } from '../helpers/env.ts'

const bucket = uniqueBucketName('tus')
const limited = uniqueBucketName('tus-small')
const endpoint = `${storageUrl}/upload/resumable`
let alice: Persona
let bob: Persona

beforeAll(async () => {
  await createBucketBySql(bucket)
  await createBucketBySql(limited, { fileSizeLimit: 1024, allowedMimeTypes: ['application/pdf'] })
  const ownFolder = `(storage.foldername(name))[1] = (select auth.uid())::text`
  await createPolicies(bucket, [{ name: 'owners upload into their folder', sql: `for insert to authenticated with check (bucket_id = $bucket and ${ownFolder})` }])
  await createPolicies(limited, [{ name: 'anyone signed in uploads', sql: `for insert to authenticated with check (bucket_id = $bucket)` }])
  alice = await createPersona('tus-alice')
  bob = await createPersona('tus-bob')
})

afterAll(async () => {
  await dropStorageFixtures([bucket, limited])
  await closeDb()
})

const tusHeaders = (token: string) => ({ ...authHeaders(token), 'tus-resumable': '1.0.0' })
const metadataHeader = (fields: Record<string, string>) =>
  Object.entries(fields).map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`).join(',')

function upload(persona: Persona, name: string, bytes: Buffer, options: Partial<tus.UploadOptions> = {}): Promise<tus.Upload> {
  return new Promise((resolve, reject) => {
    const job = new tus.Upload(bytes, {
      endpoint,
      headers: authHeaders(persona.accessToken),
      chunkSize: 256 * 1024,
      retryDelays: [],
      metadata: { bucketName: bucket, objectName: name, contentType: 'application/pdf', cacheControl: '3600' },
      onSuccess: () => resolve(job),
      onError: reject,
      ...options,
    })
    job.start()
  })
}

describe('resumable uploads', () => {
  it('uploads in parts with tus-js-client; the result is an ordinary object', async () => {
    const bytes = randomBytes(1024 * 1024 + 17)
    const name = `${alice.id}/gutachten.pdf`
    const offsets: number[] = []
    await upload(alice, name, bytes, { onProgress: sent => offsets.push(sent) })
    expect(offsets.at(-1)).toBe(bytes.length)
    expect(offsets.length).toBeGreaterThan(4)
    const row = await objectRow(bucket, name)
    expect(row?.metadata).toMatchObject({
      size: bytes.length, mimetype: 'application/pdf', cacheControl: 'max-age=3600',
      eTag: `"${createHash('md5').update(bytes).digest('hex')}"`,
    })
    expect(row?.owner_id).toBe(alice.id)
  })

  it('resumes an interrupted upload from the offset the server reports', async () => {
    const bytes = randomBytes(600 * 1024)
    const name = `${alice.id}/unterbrochen.pdf`
    const create = await fetch(endpoint, {
      method: 'POST',
      headers: { ...tusHeaders(alice.accessToken), 'upload-length': String(bytes.length), 'upload-metadata': metadataHeader({ bucketName: bucket, objectName: name, contentType: 'application/pdf' }) },
    })
    expect(create.status).toBe(201)
    const location = create.headers.get('location')!
    expect(location).toMatch(new RegExp(`^${testEnv.supabaseUrl}/storage/v1/upload/resumable/[A-Za-z0-9_-]+$`))
    expect(Buffer.from(location.split('/').at(-1)!, 'base64url').toString()).toMatch(new RegExp(`^${bucket}/${name}/[0-9a-f-]{36}$`))

    const first = await fetch(location, {
      method: 'PATCH',
      headers: { ...tusHeaders(alice.accessToken), 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      body: bytes.subarray(0, 200 * 1024),
    })
    expect(first.status).toBe(204)
    expect(first.headers.get('upload-offset')).toBe(String(200 * 1024))
    expect(first.headers.get('upload-expires')).toBeTruthy()

    const stale = await fetch(location, {
      method: 'PATCH',
      headers: { ...tusHeaders(alice.accessToken), 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      body: bytes.subarray(0, 10),
    })
    expect(stale.status).toBe(409)
    expect(await stale.text()).toBe('Upload-Offset conflict\n')

    const head = await fetch(location, { method: 'HEAD', headers: tusHeaders(alice.accessToken) })
    expect(head.status).toBe(200)
    expect(head.headers.get('upload-offset')).toBe(String(200 * 1024))
    expect(head.headers.get('upload-length')).toBe(String(bytes.length))
    expect(head.headers.get('cache-control')).toBe('no-store')
    expect(await objectRow(bucket, name)).toBeUndefined()

    // tus-js-client picks the upload up from its URL and sends only the rest.
    const sent: number[] = []
    await upload(alice, name, bytes, { uploadUrl: location, onProgress: bytesSent => sent.push(bytesSent) })
    expect(Math.min(...sent)).toBeGreaterThanOrEqual(200 * 1024)
    expect((await objectRow(bucket, name))?.metadata).toMatchObject({ size: bytes.length, eTag: `"${createHash('md5').update(bytes).digest('hex')}"` })
    const done = await fetch(location, { method: 'HEAD', headers: tusHeaders(alice.accessToken) })
    expect(done.status).toBe(404)
  })

  it('asks RLS at creation and for every part', async () => {
    const refused = await fetch(endpoint, {
      method: 'POST',
      headers: { ...tusHeaders(bob.accessToken), 'upload-length': '10', 'upload-metadata': metadataHeader({ bucketName: bucket, objectName: `${alice.id}/fremd.pdf` }) },
    })
    expect(refused.status).toBe(403)
    expect(await refused.text()).toBe('new row violates row-level security policy')

    const create = await fetch(endpoint, {
      method: 'POST',
      headers: { ...tusHeaders(alice.accessToken), 'upload-length': '10', 'upload-metadata': metadataHeader({ bucketName: bucket, objectName: `${alice.id}/teil.pdf` }) },
    })
    const part = await fetch(create.headers.get('location')!, {
      method: 'PATCH',
      headers: { ...tusHeaders(bob.accessToken), 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      body: Buffer.from('0123456789'),
    })
    expect(part.status).toBe(403)
    expect(await objectRow(bucket, `${alice.id}/teil.pdf`)).toBeUndefined()
  })

  it('refuses what the bucket does not take, and requests without the protocol header', async () => {
    const tooLarge = await fetch(endpoint, {
      method: 'POST',
      headers: { ...tusHeaders(alice.accessToken), 'upload-length': '2048', 'upload-metadata': metadataHeader({ bucketName: limited, objectName: 'gross.pdf', contentType: 'application/pdf' }) },
    })
    expect(tooLarge.status).toBe(413)
    expect(await tooLarge.text()).toBe('Maximum size exceeded\n')
    const wrongType = await fetch(endpoint, {
      method: 'POST',
      headers: { ...tusHeaders(alice.accessToken), 'upload-length': '10', 'upload-metadata': metadataHeader({ bucketName: limited, objectName: 'bild.html', contentType: 'text/html' }) },
    })
    expect(wrongType.status).toBe(415)
    expect(await wrongType.text()).toBe('mime type text/html is not supported')
    const noVersion = await fetch(endpoint, { method: 'POST', headers: { ...authHeaders(alice.accessToken), 'upload-length': '10' } })
    expect(noVersion.status).toBe(412)
    const noLength = await fetch(endpoint, { method: 'POST', headers: tusHeaders(alice.accessToken) })
    expect(noLength.status).toBe(400)
    expect(await noLength.text()).toBe('Upload-Length or Upload-Defer-Length header required\n')
    const options = await fetch(endpoint, { method: 'OPTIONS' })
    expect(options.status).toBe(204)
    expect(options.headers.get('tus-version')).toBe('1.0.0')
  })

  it('terminates an unfinished upload, not a finished one', async () => {
    const create = await fetch(endpoint, {
      method: 'POST',
      headers: { ...tusHeaders(alice.accessToken), 'upload-length': '10', 'upload-metadata': metadataHeader({ bucketName: bucket, objectName: `${alice.id}/abbruch.pdf` }) },
    })
    const location = create.headers.get('location')!
    expect((await fetch(location, { method: 'DELETE', headers: tusHeaders(alice.accessToken) })).status).toBe(204)
    expect((await fetch(location, { method: 'HEAD', headers: tusHeaders(alice.accessToken) })).status).toBe(404)
  })
})
