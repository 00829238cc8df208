// Storage's error bodies on the wire (contract §4.1): HTTP 400 for handled errors, the semantic
// status as a string, the machine code and the legacy `error` name storage-js and apps read.
import { request } from 'node:http'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testEnv } from '../helpers/env.ts'
import { closeDb, createPersona, type Persona } from '../helpers/personas.ts'
import { authHeaders, createBucketBySql, createPolicies, dropStorageFixtures, objectRow, storageUrl, uniqueBucketName } from '../helpers/storage.ts'

const bucket = uniqueBucketName('errors')
const tiny = uniqueBucketName('errors-tiny')
const pdfOnly = uniqueBucketName('errors-pdf')
let user: Persona

beforeAll(async () => {
  await createBucketBySql(bucket)
  await createBucketBySql(tiny, { fileSizeLimit: 8 })
  await createBucketBySql(pdfOnly, { allowedMimeTypes: ['application/pdf'] })
  await createPolicies(bucket, [{ name: 'users read', sql: 'for select to authenticated using (bucket_id = $bucket)' }])
  user = await createPersona('storage-errors')
  const service = authHeaders(testEnv.serviceRoleKey)
  await fetch(`${storageUrl}/object/${bucket}/vorhanden.txt`, { method: 'POST', headers: { ...service, 'content-type': 'text/plain' }, body: 'da' })
})

afterAll(async () => {
  await dropStorageFixtures([bucket, tiny, pdfOnly])
  await closeDb()
})

async function call(path: string, init: RequestInit & { token?: string } = {}) {
  const headers = { ...authHeaders(init.token ?? testEnv.serviceRoleKey), ...init.headers as Record<string, string> }
  const response = await fetch(`${storageUrl}${path}`, { ...init, headers })
  return { status: response.status, body: await response.json() as Record<string, unknown> }
}

describe('error bodies', () => {
  it('object not found', async () => {
    expect(await call(`/object/${bucket}/fehlt.txt`)).toEqual({
      status: 400, body: { statusCode: '404', code: 'NoSuchKey', error: 'not_found', message: 'Object not found' },
    })
  })

  it('bucket not found', async () => {
    expect(await call(`/object/${uniqueBucketName('gibt-es-nicht')}/datei.txt`)).toEqual({
      status: 400, body: { statusCode: '404', code: 'NoSuchBucket', error: 'Bucket not found', message: 'Bucket not found' },
    })
  })

  it('RLS violation', async () => {
    const refused = await call(`/object/${bucket}/neu.txt`, { method: 'POST', token: user.accessToken, headers: { 'content-type': 'text/plain' }, body: 'x' })
    expect(refused).toEqual({
      status: 400, body: { statusCode: '403', code: 'AccessDenied', error: 'Unauthorized', message: 'new row violates row-level security policy' },
    })
  })

  it('duplicate', async () => {
    const duplicate = await call(`/object/${bucket}/vorhanden.txt`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'nochmal' })
    expect(duplicate.status).toBe(400)
    expect(duplicate.body).toMatchObject({ statusCode: '409', error: 'Duplicate', message: 'The resource already exists' })
  })

  it('payload too large, checked on the declared length and while streaming', async () => {
    const declared = await call(`/object/${tiny}/gross.txt`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '123456789' })
    expect(declared).toEqual({
      status: 400, body: { statusCode: '413', code: 'EntityTooLarge', error: 'Payload too large', message: 'The object exceeded the maximum allowed size' },
    })
    // 4 MB without Content-Length: refused once the limit is passed, the answer still arrives and
    // the kept-alive connection stays usable for the next request (a few rounds to catch reuse).
    for (let round = 0; round < 10; round++) {
      let sent = 0
      const streamed = await call(`/object/${tiny}/gestreamt.txt`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: new ReadableStream({
          pull(controller) {
            if (sent++ === 64) controller.close()
            else controller.enqueue(new Uint8Array(64 * 1024).fill(49))
          },
        }),
        duplex: 'half',
      } as RequestInit)
      expect(streamed.body).toMatchObject({ statusCode: '413', code: 'EntityTooLarge' })
      const next = await call(`/object/${pdfOnly}/notiz.txt`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(100_000) })
      expect(next.body).toMatchObject({ statusCode: '415' })
    }
    expect(await objectRow(tiny, 'gestreamt.txt')).toBeUndefined()
  })

  it('mime type not allowed', async () => {
    expect(await call(`/object/${pdfOnly}/notiz.txt`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' })).toEqual({
      status: 400, body: { statusCode: '415', code: 'InvalidMimeType', error: 'invalid_mime_type', message: 'mime type text/plain is not supported' },
    })
  })

  it('invalid keys: backslash, NUL and characters S3 cannot take', async () => {
    for (const encoded of ['ordner%5Cdatei.txt', 'datei%00.txt', 'a%7Bb%7D.txt']) {
      const response = await call(`/object/${bucket}/${encoded}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' })
      expect(response).toEqual({ status: 400, body: { statusCode: '400', code: 'InvalidKey', error: 'InvalidKey', message: `Invalid key: ${decodeURIComponent(encoded)}` } })
    }
  })

  // storage-api v1.60 verifies with jose and passes its words on (internal/auth/jwt.ts).
  it('missing or invalid JWT on a route that needs one', async () => {
    const malformed = await call(`/object/list/${bucket}`, { method: 'POST', token: 'not-a-jwt', headers: { 'content-type': 'application/json' }, body: '{"prefix":""}' })
    expect(malformed).toEqual({ status: 400, body: { statusCode: '403', code: 'AccessDenied', error: 'Unauthorized', message: 'Invalid Compact JWS' } })

    const forged = await new SignJWT({ role: 'service_role' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-project-secret-but-32-characters-long'))
    const refused = await call('/bucket', { token: forged })
    expect(refused.body).toMatchObject({ statusCode: '403', code: 'AccessDenied', message: 'signature verification failed' })
  })
})

describe.runIf(testEnv.isDevstack)('devstack only', () => {
  /** Sends the path exactly as written: fetch would resolve `..` before it leaves the client. */
  function rawPost(path: string): Promise<{ status: number, body: Record<string, unknown> }> {
    const url = new URL(testEnv.supabaseUrl)
    return new Promise((resolveResponse, rejectResponse) => {
      const outgoing = request({ host: url.hostname, port: url.port, method: 'POST', path: `/storage/v1${path}`, headers: { ...authHeaders(testEnv.serviceRoleKey), 'content-type': 'text/plain' } }, (response) => {
        let text = ''
        response.on('data', (chunk: Buffer) => (text += chunk.toString()))
        response.on('end', () => resolveResponse({ status: response.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }))
      })
      outgoing.on('error', rejectResponse)
      outgoing.end('ausgebrochen')
    })
  }

  it('refuses names that would leave the bucket folder', async () => {
    for (const path of [`/object/${bucket}/../ausgebrochen.txt`, `/object/${bucket}/a/../../ausgebrochen.txt`, `/object/${bucket}/a%2F..%2F..%2Fausgebrochen.txt`, `/object/${bucket}/./punkt.txt`]) {
      const response = await rawPost(path)
      expect(response.body).toMatchObject({ statusCode: '400', code: 'InvalidKey' })
    }
  })

  it('answers features it does not implement with 501, never silently', async () => {
    const transform = await call(`/render/image/authenticated/${bucket}/vorhanden.txt?width=100`)
    expect(transform).toMatchObject({ status: 501, body: { statusCode: '501', code: 'NotSupported' } })
    const s3 = await call(`/s3/${bucket}`)
    expect(s3.status).toBe(501)
  })
})
