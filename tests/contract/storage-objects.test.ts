// Object endpoints through storage-js (contract §4.2): bodies and their metadata, downloads with
// range and disposition, listing, remove, move and copy, type and size limits.
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDb, serviceClient } from '../helpers/personas.ts'
import { authHeaders, createBucketBySql, dropStorageFixtures, expectStorageError, objectNotFound, objectRow, storageUrl, uniqueBucketName } from '../helpers/storage.ts'
import { testEnv } from '../helpers/env.ts'

const files = uniqueBucketName('obj-files')
const images = uniqueBucketName('obj-images')
const small = uniqueBucketName('obj-small')
const other = uniqueBucketName('obj-other')
const buckets = [files, images, small, other]
const storage = () => serviceClient().storage

beforeAll(async () => {
  await createBucketBySql(files)
  await createBucketBySql(images, { allowedMimeTypes: ['image/*', 'application/pdf'] })
  await createBucketBySql(small, { fileSizeLimit: 16 })
  await createBucketBySql(other)
})

afterAll(async () => {
  await dropStorageFixtures(buckets)
  await closeDb()
})

const md5 = (text: string) => `"${createHash('md5').update(text).digest('hex')}"`

describe('upload', () => {
  it('stores a raw body with its type, cache-control and user metadata, and answers {Id, Key}', async () => {
    const { data, error } = await storage().from(files).upload('akten/2026/schriftsatz.txt', 'Schriftsatz an das Landgericht', {
      contentType: 'text/plain', cacheControl: '120', metadata: { aktenzeichen: '4 O 123/26' },
    })
    expect(error).toBeNull()
    expect(data).toMatchObject({ path: 'akten/2026/schriftsatz.txt', fullPath: `${files}/akten/2026/schriftsatz.txt` })
    const row = await objectRow(files, 'akten/2026/schriftsatz.txt')
    expect(row?.id).toBe(data?.id)
    expect(row?.metadata).toMatchObject({
      eTag: md5('Schriftsatz an das Landgericht'), size: 30, contentLength: 30, mimetype: 'text/plain', cacheControl: 'max-age=120', httpStatusCode: 200,
    })
    expect(new Date(row?.metadata?.lastModified as string).getTime()).not.toBeNaN()
    expect(row?.user_metadata).toEqual({ aktenzeichen: '4 O 123/26' })
  })

  it('stores a Blob sent as multipart/form-data, with the Blob\'s type', async () => {
    const json = '{"mandant":"Müller"}'
    const blob = new Blob([json], { type: 'application/json' })
    const { error } = await storage().from(files).upload('formular/mandant.json', blob, { metadata: { quelle: 'Formular' } })
    expect(error).toBeNull()
    const info = await storage().from(files).info('formular/mandant.json')
    expect(info.data).toMatchObject({ contentType: 'application/json', size: Buffer.byteLength(json), cacheControl: 'max-age=3600', metadata: { quelle: 'Formular' } })
  })

  it('keeps non-ASCII names and refuses a second upload to the same path unless upsert', async () => {
    const path = 'Müller & Söhne/Vollmacht (unterschrieben).pdf'
    expect((await storage().from(files).upload(path, 'v1', { contentType: 'application/pdf' })).error).toBeNull()
    expectStorageError((await storage().from(files).upload(path, 'v2')).error, { statusCode: '409', message: 'The resource already exists' })
    expect((await storage().from(files).upload(path, 'v2', { upsert: true })).error).toBeNull()
    expect(await (await storage().from(files).download(path)).data?.text()).toBe('v2')
    expect((await storage().from(files).list('Müller & Söhne')).data?.map(entry => entry.name)).toEqual(['Vollmacht (unterschrieben).pdf'])
  })

  it('replaces a file with update() and keeps one row', async () => {
    await storage().from(files).upload('ersetzen.txt', 'alt')
    const before = await objectRow(files, 'ersetzen.txt')
    expect((await storage().from(files).update('ersetzen.txt', 'neu und länger')).error).toBeNull()
    const after = await objectRow(files, 'ersetzen.txt')
    expect(after?.id).toBe(before?.id)
    expect(after?.version).not.toBe(before?.version)
    expect(await (await storage().from(files).download('ersetzen.txt')).data?.text()).toBe('neu und länger')
  })

  it('accepts types the bucket allows, wildcards included, and refuses others with 415', async () => {
    expect((await storage().from(images).upload('logo.png', 'PNG', { contentType: 'image/png' })).error).toBeNull()
    expect((await storage().from(images).upload('urteil.pdf', 'PDF', { contentType: 'application/pdf' })).error).toBeNull()
    const refused = await storage().from(images).upload('notiz.txt', 'text', { contentType: 'text/plain' })
    expectStorageError(refused.error, { statusCode: '415', code: 'InvalidMimeType', message: 'mime type text/plain is not supported' })
    expect(await objectRow(images, 'notiz.txt')).toBeUndefined()
  })

  it('refuses a body over the bucket\'s file_size_limit with 413', async () => {
    expect((await storage().from(small).upload('klein.txt', '0123456789abcdef')).error).toBeNull()
    const refused = await storage().from(small).upload('gross.txt', '0123456789abcdefX')
    expectStorageError(refused.error, { statusCode: '413', code: 'EntityTooLarge', message: 'The object exceeded the maximum allowed size' })
    const refusedForm = await storage().from(small).upload('gross-form.txt', new Blob(['0123456789abcdefX']))
    expectStorageError(refusedForm.error, { statusCode: '413', code: 'EntityTooLarge' })
    expect(await objectRow(small, 'gross.txt')).toBeUndefined()
    expect(await objectRow(small, 'gross-form.txt')).toBeUndefined()
  })
})

describe('download', () => {
  const content = 'Sehr geehrte Damen und Herren, anbei die Unterlagen.'
  beforeAll(async () => {
    await storage().from(files).upload('brief.txt', content, { contentType: 'text/plain; charset=utf-8', cacheControl: '60' })
  })

  it('serves the bytes with type, ETag, Last-Modified and Cache-Control', async () => {
    const response = await fetch(`${storageUrl}/object/authenticated/${files}/brief.txt`, { headers: authHeaders(testEnv.serviceRoleKey) })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(response.headers.get('etag')).toBe(md5(content))
    expect(response.headers.get('cache-control')).toBe('max-age=60')
    expect(new Date(response.headers.get('last-modified')!).getTime()).not.toBeNaN()
    expect(await response.text()).toBe(content)
  })

  it('answers a Range request with 206 and Content-Range', async () => {
    const response = await fetch(`${storageUrl}/object/${files}/brief.txt`, { headers: { ...authHeaders(testEnv.serviceRoleKey), range: 'bytes=5-11' } })
    expect(response.status).toBe(206)
    expect(response.headers.get('content-range')).toBe(`bytes 5-11/${Buffer.byteLength(content)}`)
    expect(await response.text()).toBe(content.slice(5, 12))
  })

  it('sets Content-Disposition for ?download', async () => {
    const named = await fetch(`${storageUrl}/object/${files}/brief.txt?download=Brief%20an%20Müller.txt`, { headers: authHeaders(testEnv.serviceRoleKey) })
    expect(named.headers.get('content-disposition')).toBe(`attachment; filename=${encodeURIComponent('Brief an Müller.txt')}; filename*=UTF-8''${encodeURIComponent('Brief an Müller.txt')};`)
    const plain = await fetch(`${storageUrl}/object/${files}/brief.txt?download`, { headers: authHeaders(testEnv.serviceRoleKey) })
    expect(plain.headers.get('content-disposition')).toBe('attachment;')
  })

  it('answers HEAD with the headers only', async () => {
    const response = await fetch(`${storageUrl}/object/${files}/brief.txt`, { method: 'HEAD', headers: authHeaders(testEnv.serviceRoleKey) })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(content)))
    expect(response.headers.get('etag')).toBe(md5(content))
  })

  it('tells existing from missing objects', async () => {
    expect((await storage().from(files).exists('brief.txt')).data).toBe(true)
    const missing = await storage().from(files).exists('kein-brief.txt')
    expect(missing.data).toBe(false)
    expectStorageError((await storage().from(files).download('kein-brief.txt')).error, objectNotFound)
  })
})

describe('list', () => {
  const folder = 'liste'
  beforeAll(async () => {
    for (const name of ['b.txt', 'a.txt', 'c.txt', 'unter/x.txt', 'unter/y.txt']) {
      await storage().from(files).upload(`${folder}/${name}`, name)
    }
  })

  it('lists one level: files with metadata, sub-folders with id null', async () => {
    const { data, error } = await storage().from(files).list(folder)
    expect(error).toBeNull()
    expect(data?.map(entry => entry.name)).toEqual(['a.txt', 'b.txt', 'c.txt', 'unter'])
    const subfolder = data?.find(entry => entry.name === 'unter')
    expect(subfolder).toMatchObject({ id: null, metadata: null })
    expect(data?.find(entry => entry.name === 'a.txt')?.metadata).toMatchObject({ size: 5, mimetype: 'text/plain;charset=UTF-8' })
  })

  it('pages with limit and offset, sorts, and searches', async () => {
    const page = await storage().from(files).list(folder, { limit: 2, offset: 1, sortBy: { column: 'name', order: 'asc' } })
    expect(page.data?.map(entry => entry.name)).toEqual(['b.txt', 'c.txt'])
    const reversed = await storage().from(files).list(folder, { sortBy: { column: 'name', order: 'desc' } })
    expect(reversed.data?.map(entry => entry.name)).toEqual(['unter', 'c.txt', 'b.txt', 'a.txt'])
    const found = await storage().from(files).list(folder, { search: 'b' })
    expect(found.data?.map(entry => entry.name)).toEqual(['b.txt'])
  })
})

describe('remove, move, copy', () => {
  it('removes several objects at once and returns only those that existed', async () => {
    await storage().from(files).upload('weg/1.txt', '1')
    await storage().from(files).upload('weg/2.txt', '2')
    const { data, error } = await storage().from(files).remove(['weg/1.txt', 'weg/2.txt', 'weg/gibt-es-nicht.txt'])
    expect(error).toBeNull()
    expect(data?.map(row => row.name).sort()).toEqual(['weg/1.txt', 'weg/2.txt'])
    expect(data?.[0]).toMatchObject({ bucket_id: files })
    expect(await objectRow(files, 'weg/1.txt')).toBeUndefined()
  })

  it('moves an object, also into another bucket, keeping its id', async () => {
    await storage().from(files).upload('umzug/alt.txt', 'umziehen')
    const before = await objectRow(files, 'umzug/alt.txt')
    expect((await storage().from(files).move('umzug/alt.txt', 'umzug/neu.txt')).data?.message).toBe('Successfully moved')
    expect((await storage().from(files).move('umzug/neu.txt', 'angekommen.txt', { destinationBucket: other })).error).toBeNull()
    expect((await objectRow(other, 'angekommen.txt'))?.id).toBe(before?.id)
    expect(await (await storage().from(other).download('angekommen.txt')).data?.text()).toBe('umziehen')
    expect(await objectRow(files, 'umzug/alt.txt')).toBeUndefined()
  })

  it('refuses to move onto an existing object', async () => {
    await storage().from(files).upload('kollision/a.txt', 'a')
    await storage().from(files).upload('kollision/b.txt', 'b')
    expectStorageError((await storage().from(files).move('kollision/a.txt', 'kollision/b.txt')).error, { statusCode: '409' })
    expect(await (await storage().from(files).download('kollision/b.txt')).data?.text()).toBe('b')
  })

  it('copies an object with its metadata, also into another bucket', async () => {
    await storage().from(files).upload('vorlage.txt', 'Vorlage', { contentType: 'text/plain', metadata: { typ: 'Vorlage' } })
    const copied = await storage().from(files).copy('vorlage.txt', 'kopie.txt')
    expect(copied.data?.path).toBe(`${files}/kopie.txt`)
    expect((await storage().from(files).copy('vorlage.txt', 'kopie.txt', { destinationBucket: other })).error).toBeNull()
    const info = await storage().from(other).info('kopie.txt')
    expect(info.data).toMatchObject({ contentType: 'text/plain', size: 7, metadata: { typ: 'Vorlage' } })
    // The copy is independent: replacing the original leaves it alone.
    await storage().from(files).update('vorlage.txt', 'Geändert')
    expect(await (await storage().from(files).download('kopie.txt')).data?.text()).toBe('Vorlage')
  })
})
