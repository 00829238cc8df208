// `[storage.buckets.<name>]` in config.toml: the devstack creates missing buckets when Storage
// starts, as `supabase start` does, and leaves existing ones as they are. Devstack only (it starts
// the storage module in-process with a config of its own).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../devstack/src/config.ts'
import { loadJwtKeys } from '../../devstack/src/shared/jwt.ts'
import { storageModule } from '../../devstack/src/storage/index.ts'
import { testEnv } from '../helpers/env.ts'
import { closeDb, db } from '../helpers/personas.ts'
import { createBucketBySql, dropStorageFixtures, uniqueBucketName } from '../helpers/storage.ts'

describe.runIf(testEnv.isDevstack)('buckets declared in config.toml', () => {
  const declared = uniqueBucketName('config-new')
  const existing = uniqueBucketName('config-old')
  const folder = mkdtempSync(join(tmpdir(), 'devstack-storage-config-'))

  afterAll(async () => {
    rmSync(folder, { recursive: true, force: true })
    await dropStorageFixtures([declared, existing])
    await closeDb()
  })

  it('creates missing ones with their settings and keeps existing ones', async () => {
    await createBucketBySql(existing, { public: false, fileSizeLimit: 10 })
    const base = loadConfig({ ...process.env, DEVSTACK_INSTANCE: 'test' })
    const toml = {
      ...base.toml,
      storage: {
        file_size_limit: '200MiB',
        buckets: {
          [declared]: { public: true, file_size_limit: '5MiB', allowed_mime_types: ['application/pdf', 'image/*'] },
          [existing]: { public: true },
        },
      },
    }
    const config = { ...base, storageDir: folder, toml }
    const storage = await storageModule({ config, jwt: await loadJwtKeys(config) })
    try {
      await storage.start?.()
    }
    finally {
      for (const service of storage.services ?? []) await service.close?.()
    }
    const rows = await db()`
      select id, public, file_size_limit::float8 as file_size_limit, allowed_mime_types from storage.buckets
       where id in (${declared}, ${existing}) order by id`
    expect(rows).toEqual([
      { id: declared, public: true, file_size_limit: 5 * 1024 * 1024, allowed_mime_types: ['application/pdf', 'image/*'] },
      { id: existing, public: false, file_size_limit: 10, allowed_mime_types: null },
    ].sort((a, b) => a.id.localeCompare(b.id)))
  })
})
