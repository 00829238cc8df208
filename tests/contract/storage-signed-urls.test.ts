// Signed download and upload URLs (contract §4.2): relative paths with ?token=, tokens are HS256
// JWTs signed with the project's JWT secret naming `bucket/path`, and the token alone is the key.
import { jwtVerify, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testEnv } from '../helpers/env.ts'
import { anonClient, closeDb, serviceClient } from '../helpers/personas.ts'
import { createBucketBySql, dropStorageFixtures, objectRow, storageUrl, uniqueBucketName } from '../helpers/storage.ts'

const bucket = uniqueBucketName('signed')
const files = () => serviceClient().storage.from(bucket)
const secret = new TextEncoder().encode(testEnv.jwtSecret)

beforeAll(async () => {
  await createBucketBySql(bucket)
  await files().upload('akte/gutachten.txt', 'Gutachten', { contentType: 'text/plain' })
  await files().upload('akte/anlage.txt', 'Anlage', { contentType: 'text/plain' })
})

afterAll(async () => {
  await dropStorageFixtures([bucket])
  await closeDb()
})

const tokenOf = (url: string) => new URL(url).searchParams.get('token')!

async function errorBody(response: Response) {
  expect(response.status).toBe(400)
  return await response.json() as { statusCode: string, code?: string, message: string }
}

describe('signed download URLs', () => {
  it('signs a URL that serves the file without any key, valid for the asked time', async () => {
    const { data, error } = await files().createSignedUrl('akte/gutachten.txt', 120)
    expect(error).toBeNull()
    expect(data!.signedUrl.startsWith(`${storageUrl}/object/sign/${bucket}/akte/gutachten.txt?token=`)).toBe(true)
    const { payload } = await jwtVerify(tokenOf(data!.signedUrl), secret, { algorithms: ['HS256'] })
    expect(payload.url).toBe(`${bucket}/akte/gutachten.txt`)
    expect(payload.exp! - payload.iat!).toBe(120)

    const response = await fetch(data!.signedUrl)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/plain')
    expect(await response.text()).toBe('Gutachten')
  })

  it('adds Content-Disposition when asked to download', async () => {
    const { data } = await files().createSignedUrl('akte/gutachten.txt', 60, { download: 'Gutachten 2026.txt' })
    const response = await fetch(data!.signedUrl)
    expect(response.headers.get('content-disposition')).toBe('attachment; filename=Gutachten%202026.txt; filename*=UTF-8\'\'Gutachten%202026.txt;')
  })

  it('signs several paths and marks the ones that cannot be signed', async () => {
    const { data, error } = await files().createSignedUrls(['akte/gutachten.txt', 'akte/fehlt.txt', 'akte/anlage.txt'], 60)
    expect(error).toBeNull()
    expect(data?.map(entry => [entry.path, entry.error])).toEqual([
      ['akte/gutachten.txt', null],
      ['akte/fehlt.txt', 'Either the object does not exist or you do not have access to it'],
      ['akte/anlage.txt', null],
    ])
    expect(data?.[1]?.signedUrl).toBeNull()
    expect(await (await fetch(data![2]!.signedUrl!)).text()).toBe('Anlage')
  })

  it('refuses a token for another file, a forged one and an expired one', async () => {
    const { data } = await files().createSignedUrl('akte/gutachten.txt', 60)
    const token = tokenOf(data!.signedUrl)

    const otherFile = await errorBody(await fetch(`${storageUrl}/object/sign/${bucket}/akte/anlage.txt?token=${token}`))
    expect(otherFile).toMatchObject({ statusCode: '400', code: 'InvalidSignature' })

    const forged = await new SignJWT({ url: `${bucket}/akte/gutachten.txt` }).setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode('not-the-project-secret-but-32-characters-long'))
    expect(await errorBody(await fetch(`${storageUrl}/object/sign/${bucket}/akte/gutachten.txt?token=${forged}`)))
      .toMatchObject({ statusCode: '400', code: 'InvalidJWT', message: 'signature verification failed' })

    const now = Math.floor(Date.now() / 1000)
    const expired = await new SignJWT({ url: `${bucket}/akte/gutachten.txt` }).setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(now - 120).setExpirationTime(now - 60).sign(secret)
    expect(await errorBody(await fetch(`${storageUrl}/object/sign/${bucket}/akte/gutachten.txt?token=${expired}`)))
      .toMatchObject({ statusCode: '400', code: 'InvalidJWT', message: '"exp" claim timestamp check failed' })
  })

  it('stops working once the file is deleted', async () => {
    await files().upload('akte/vergaenglich.txt', 'kurz')
    const { data } = await files().createSignedUrl('akte/vergaenglich.txt', 60)
    await files().remove(['akte/vergaenglich.txt'])
    expect(await errorBody(await fetch(data!.signedUrl))).toMatchObject({ statusCode: '404', code: 'NoSuchKey' })
  })
})

describe('signed upload URLs', () => {
  it('returns a relative URL and token, and the token uploads exactly that path once', async () => {
    const { data, error } = await files().createSignedUploadUrl('eingang/scan.txt')
    expect(error).toBeNull()
    expect(data?.signedUrl.startsWith(`${storageUrl}/object/upload/sign/${bucket}/eingang/scan.txt?token=`)).toBe(true)
    expect(tokenOf(data!.signedUrl)).toBe(data?.token)

    const uploaded = await anonClient().storage.from(bucket).uploadToSignedUrl('eingang/scan.txt', data!.token, 'Scan', { contentType: 'text/plain' })
    expect(uploaded).toEqual({ data: { path: 'eingang/scan.txt', fullPath: `${bucket}/eingang/scan.txt` }, error: null })
    expect(await (await files().download('eingang/scan.txt')).data?.text()).toBe('Scan')

    const again = await anonClient().storage.from(bucket).uploadToSignedUrl('eingang/scan.txt', data!.token, 'noch mal')
    expect(again.error).toMatchObject({ statusCode: '409' })
    const elsewhere = await anonClient().storage.from(bucket).uploadToSignedUrl('eingang/anderes.txt', data!.token, 'x')
    expect(elsewhere.error).toMatchObject({ statusCode: '400', code: 'InvalidSignature' })
    expect(await objectRow(bucket, 'eingang/anderes.txt')).toBeUndefined()
  })

  it('overwrites with an upsert token', async () => {
    await files().upload('eingang/ersetzbar.txt', 'alt')
    const { data } = await files().createSignedUploadUrl('eingang/ersetzbar.txt', { upsert: true })
    expect((await anonClient().storage.from(bucket).uploadToSignedUrl('eingang/ersetzbar.txt', data!.token, 'neu')).error).toBeNull()
    expect(await (await files().download('eingang/ersetzbar.txt')).data?.text()).toBe('neu')
  })

  it.runIf(testEnv.isDevstack)('keeps upload and download tokens apart (devstack: tokens carry a scope)', async () => {
    const { data } = await files().createSignedUploadUrl('akte/gutachten.txt', { upsert: true })
    expect(await errorBody(await fetch(`${storageUrl}/object/sign/${bucket}/akte/gutachten.txt?token=${data!.token}`)))
      .toMatchObject({ code: 'InvalidSignature' })
  })
})
