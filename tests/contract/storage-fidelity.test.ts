// Storage details as storage-api v1.60 answers them: info() metadata, the list bodies its Fastify
// schema refuses (ajv's words, 400), list-v2 through storage-js, and names no key can carry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testEnv } from '../helpers/env.ts'
import { closeDb, serviceClient } from '../helpers/personas.ts'
import { authHeaders, createBucketBySql, dropStorageFixtures, storageUrl, uniqueBucketName } from '../helpers/storage.ts'

const bucket = uniqueBucketName('fidelity')
const storage = () => serviceClient().storage.from(bucket)

beforeAll(async () => {
  await createBucketBySql(bucket)
  for (const name of ['akte/a.txt', 'akte/b.txt', 'akte/unter/c.txt', 'd.txt', 'e.txt']) {
    const { error } = await storage().upload(name, name, { contentType: 'text/plain' })
    if (error) throw error
  }
})

afterAll(async () => {
  await dropStorageFixtures([bucket])
  await closeDb()
})

const post = async (path: string, body: unknown) => {
  const response = await fetch(`${storageUrl}${path}`, { method: 'POST', headers: { ...authHeaders(testEnv.serviceRoleKey), 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: response.status, body: await response.json() as Record<string, unknown> }
}

describe('object info', () => {
  it('gives user metadata {} for an object uploaded without any', async () => {
    const { data, error } = await storage().info('d.txt')
    expect(error).toBeNull()
    expect(data).toMatchObject({ name: 'd.txt', metadata: {}, contentType: 'text/plain', size: 5 })
  })
})

describe('list bodies the schema refuses', () => {
  const refusal = (message: string) => ({ status: 400, body: { statusCode: '400', code: 'InternalError', error: 'Error', message } })

  it('answers 400 with ajv\'s words for a bad limit, offset or sort', async () => {
    expect(await post(`/object/list/${bucket}`, { prefix: '', limit: -1, offset: -5 })).toEqual(refusal('body/limit must be >= 1'))
    expect(await post(`/object/list/${bucket}`, { prefix: '', offset: -5 })).toEqual(refusal('body/offset must be >= 0'))
    expect(await post(`/object/list/${bucket}`, { prefix: '', limit: 'viele' })).toEqual(refusal('body/limit must be integer'))
    expect(await post(`/object/list/${bucket}`, { prefix: '', sortBy: { column: 'size' } })).toEqual(refusal('body/sortBy/column must be equal to one of the allowed values'))
    expect(await post(`/object/list/${bucket}`, {})).toEqual(refusal('body must have required property \'prefix\''))
  })

  it('takes what ajv coerces: a numeric string limit', async () => {
    const answer = await post(`/object/list/${bucket}`, { prefix: '', limit: '2' })
    expect(answer.status).toBe(200)
    expect(answer.body).toHaveLength(2)
  })
})

describe('list-v2', () => {
  it('pages objects by name with a cursor', async () => {
    const first = await storage().listV2({ limit: 2 })
    expect(first.error).toBeNull()
    expect(first.data).toMatchObject({ hasNext: true, folders: [], nextCursorKey: 'akte/b.txt' })
    expect(first.data!.objects.map(object => object.name)).toEqual(['akte/a.txt', 'akte/b.txt'])
    const rest = await storage().listV2({ limit: 10, cursor: first.data!.nextCursor })
    expect(rest.data?.objects.map(object => object.name)).toEqual(['akte/unter/c.txt', 'd.txt', 'e.txt'])
    expect(rest.data?.hasNext).toBe(false)
  })

  it('folds deeper names into folders with with_delimiter', async () => {
    const root = await storage().listV2({ with_delimiter: true })
    expect(root.data?.folders.map(folder => folder.name)).toEqual(['akte/'])
    expect(root.data?.objects.map(object => object.name)).toEqual(['d.txt', 'e.txt'])
    const inside = await storage().listV2({ prefix: 'akte/', with_delimiter: true })
    expect(inside.data?.folders.map(folder => folder.name)).toEqual(['akte/unter/'])
    expect(inside.data?.objects.map(object => object.name)).toEqual(['akte/a.txt', 'akte/b.txt'])
  })

  it('sorts by a timestamp, newest first', async () => {
    const { data } = await storage().listV2({ sortBy: { column: 'created_at', order: 'desc' }, limit: 1 })
    expect(data?.objects.map(object => object.name)).toEqual(['e.txt'])
  })

  it('refuses a cursor it did not make', async () => {
    const { error } = await storage().listV2({ cursor: Buffer.from('x').toString('base64') })
    expect(error).toMatchObject({ statusCode: '400' })
  })
})

describe.runIf(testEnv.isDevstack)('names with a NUL byte (devstack: 400; storage-api v1.60 lets Postgres refuse them, 500)', () => {
  it('refuses them on reads as on writes', async () => {
    const headers = authHeaders(testEnv.serviceRoleKey)
    for (const path of [`/object/${bucket}/a%00b`, `/object/info/${bucket}/a%00b`, `/object/a%00b/c.txt`]) {
      const response = await fetch(`${storageUrl}${path}`, { headers })
      expect(response.status, path).toBe(400)
      expect(await response.json(), path).toMatchObject({ statusCode: '400', code: expect.stringMatching(/^Invalid(Key|BucketName)$/) })
    }
    expect((await post(`/object/list/${bucket}`, { prefix: 'a\u0000' })).status).toBe(400)
  })
})
