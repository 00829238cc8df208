// A 200 MiB document (the project's [storage] file_size_limit) goes up and comes back down as a
// stream: the Storage process's resident memory stays far below the file's size. Devstack only
// (it measures the devstack's own process, a storage server started for this test).
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testEnv } from '../helpers/env.ts'
import { closeDb } from '../helpers/personas.ts'
import { authHeaders, createBucketBySql, dropStorageFixtures, objectRow, uniqueBucketName } from '../helpers/storage.ts'
import { startStorageProcess, type StorageProcess } from '../helpers/storage-process.ts'

const SIZE = 200 * 1024 * 1024
const CHUNK = 1024 * 1024
/** Buffering the file would cost at least its size; streaming needs a few buffers. */
const MAX_GROWTH = 64 * 1024 * 1024

describe.runIf(testEnv.isDevstack)('a 200 MiB upload and download', () => {
  const bucket = uniqueBucketName('large')
  let folder: string
  let storage: StorageProcess

  beforeAll(async () => {
    await createBucketBySql(bucket)
    folder = mkdtempSync(join(tmpdir(), 'devstack-storage-large-'))
    storage = await startStorageProcess(folder)
  })

  afterAll(async () => {
    await storage?.kill()
    rmSync(folder, { recursive: true, force: true })
    await dropStorageFixtures([bucket])
    await closeDb()
  })

  it('streams both ways with bounded memory', { timeout: 120_000 }, async () => {
    const baseline = storage.rss()
    let peak = baseline
    const sampler = setInterval(() => (peak = Math.max(peak, storage.rss())), 25)
    const sentHash = createHash('md5')
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= SIZE) return controller.close()
        const chunk = new Uint8Array(CHUNK).fill(sent / CHUNK % 251)
        sentHash.update(chunk)
        sent += CHUNK
        controller.enqueue(chunk)
      },
    })
    try {
      const upload = await fetch(`${storage.url}/storage/v1/object/${bucket}/gross.bin`, {
        method: 'POST', headers: { ...authHeaders(testEnv.serviceRoleKey), 'content-type': 'application/octet-stream' }, body, duplex: 'half',
      } as RequestInit)
      expect(upload.status).toBe(200)
      const eTag = `"${sentHash.digest('hex')}"`
      expect((await objectRow(bucket, 'gross.bin'))?.metadata).toMatchObject({ size: SIZE, eTag })

      const download = await fetch(`${storage.url}/storage/v1/object/${bucket}/gross.bin`, { headers: authHeaders(testEnv.serviceRoleKey) })
      expect(download.headers.get('content-length')).toBe(String(SIZE))
      const receivedHash = createHash('md5')
      let received = 0
      for await (const chunk of download.body as unknown as AsyncIterable<Uint8Array>) {
        receivedHash.update(chunk)
        received += chunk.length
      }
      expect(received).toBe(SIZE)
      expect(`"${receivedHash.digest('hex')}"`).toBe(eTag)
    }
    finally {
      clearInterval(sampler)
    }
    console.log(`storage process RSS: ${(baseline / 2 ** 20).toFixed(0)} MiB before, ${(peak / 2 ** 20).toFixed(0)} MiB at peak`)
    expect(peak - baseline).toBeLessThan(MAX_GROWTH)
  })
})
