// An upload that does not finish leaves nothing behind: no object row, no half file. Against any
// stack: a client that gives up mid-body. On the devstack also: the temp file is gone at once,
// and a Storage process killed with SIGKILL mid-upload cleans up its debris when it starts again.
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testEnv } from '../helpers/env.ts'
import { closeDb, serviceClient } from '../helpers/personas.ts'
import { authHeaders, createBucketBySql, dropStorageFixtures, objectRow, uniqueBucketName } from '../helpers/storage.ts'
import { startStorageProcess, type StorageProcess } from '../helpers/storage-process.ts'

const bucket = uniqueBucketName('interrupted')

beforeAll(async () => {
  await createBucketBySql(bucket)
})

afterAll(async () => {
  await dropStorageFixtures([bucket])
  await closeDb()
})

const chunk = new Uint8Array(256 * 1024).fill(65)

/**
 * Starts an upload whose body never ends: it sends `chunk` as long as the connection takes it.
 * `sent()` counts the chunks handed to the connection; `abort()` makes the client give up.
 */
function endlessUpload(baseUrl: string, path: string) {
  const controller = new AbortController()
  let sent = 0
  const body = new ReadableStream<Uint8Array>({
    async pull(stream) {
      if (sent >= 64) return new Promise<void>(() => {}) // 16 MB, then hang like a stalled client
      sent++
      stream.enqueue(chunk)
    },
  })
  const response = fetch(`${baseUrl}/storage/v1/object/${bucket}/${path}`, {
    method: 'POST',
    headers: { ...authHeaders(testEnv.serviceRoleKey), 'content-type': 'application/octet-stream' },
    body,
    duplex: 'half',
    signal: controller.signal,
  } as RequestInit).catch((error: unknown) => error)
  return { response, sent: () => sent, abort: () => controller.abort() }
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise(resolveWait => setTimeout(resolveWait, 20))
  }
}

describe('a client that gives up mid-upload', () => {
  it('leaves no object, and the path can be uploaded afresh', async () => {
    const path = `abgebrochen-${randomUUID()}.bin`
    const upload = endlessUpload(testEnv.supabaseUrl, path)
    await until(() => upload.sent() >= 8, 'two megabytes are on their way')
    upload.abort()
    expect(await upload.response).toBeInstanceOf(Error)

    expect(await objectRow(bucket, path)).toBeUndefined()
    expect((await serviceClient().storage.from(bucket).exists(path)).data).toBe(false)
    expect((await serviceClient().storage.from(bucket).upload(path, 'vollständig')).error).toBeNull()
    expect(await (await serviceClient().storage.from(bucket).download(path)).data?.text()).toBe('vollständig')
  })
})

describe.runIf(testEnv.isDevstack)('the devstack\'s file store', () => {
  let folder: string
  let storage: StorageProcess | undefined
  const tempFolder = () => join(folder, '~uploads')
  const tempFiles = () => (existsSync(tempFolder()) ? readdirSync(tempFolder()) : []).map(name => join(tempFolder(), name))
  const filesUnder = (dir: string): string[] => readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(entry => entry.isFile()).map(entry => join(entry.parentPath, entry.name))

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'devstack-storage-'))
    storage = await startStorageProcess(folder)
  })

  afterAll(async () => {
    await storage?.kill()
    rmSync(folder, { recursive: true, force: true })
  })

  it('streams to a temp file and removes it when the client goes away', async () => {
    const path = `weg-${randomUUID()}.bin`
    const upload = endlessUpload(storage!.url, path)
    await until(() => tempFiles().some(file => statSync(file).size > 0), 'the temp file has data')
    upload.abort()
    await upload.response
    await until(() => tempFiles().length === 0, 'the temp file is removed')
    expect(await objectRow(bucket, path)).toBeUndefined()
    expect(existsSync(join(folder, bucket, path))).toBe(false)
  })

  it('survives kill -9 mid-upload: after a restart there is no half object and no debris', async () => {
    const kept = `bleibt-${randomUUID()}.txt`
    const keptUpload = await fetch(`${storage!.url}/storage/v1/object/${bucket}/${kept}`, {
      method: 'POST', headers: { ...authHeaders(testEnv.serviceRoleKey), 'content-type': 'text/plain' }, body: 'fertig hochgeladen',
    })
    expect(keptUpload.status).toBe(200)

    const half = `halb-${randomUUID()}.bin`
    const upload = endlessUpload(storage!.url, half)
    await until(() => tempFiles().some(file => statSync(file).size > 0), 'the temp file has data')
    await storage!.kill('SIGKILL')
    await upload.response
    expect(tempFiles().length).toBeGreaterThan(0)
    expect(await objectRow(bucket, half)).toBeUndefined()

    // What a kill between the rename and the commit would leave: a complete file no row points at.
    const orphan = join(folder, bucket, half, randomUUID())
    mkdirSync(join(folder, bucket, half), { recursive: true })
    writeFileSync(orphan, 'verwaist')

    storage = await startStorageProcess(folder)
    expect(tempFiles()).toEqual([])
    expect(filesUnder(join(folder, bucket)).filter(file => file.includes(half))).toEqual([])
    const keptRow = await objectRow(bucket, kept)
    expect(filesUnder(join(folder, bucket))).toContain(join(folder, bucket, kept, keptRow!.version!))

    const retry = await fetch(`${storage.url}/storage/v1/object/${bucket}/${half}`, {
      method: 'POST', headers: { ...authHeaders(testEnv.serviceRoleKey), 'content-type': 'text/plain' }, body: 'zweiter Versuch',
    })
    expect(retry.status).toBe(200)
    const download = await fetch(`${storage.url}/storage/v1/object/${bucket}/${half}`, { headers: authHeaders(testEnv.serviceRoleKey) })
    expect(await download.text()).toBe('zweiter Versuch')
  })
})
