// Storage authorises every call through RLS on storage.objects/buckets (contract §4.5). Each
// operation is tried by a persona the policies allow and by one they refuse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { anonClient, closeDb, createPersona, db, type Persona, serviceClient } from '../helpers/personas.ts'
import {
  createBucketBySql, createPolicies, dropStorageFixtures, expectStorageError, objectNotFound, objectRow, rlsViolation,
  uniqueBucketName,
} from '../helpers/storage.ts'

// Owners write into the folder named after their user id and read, change and delete what they own.
const ownFolders = uniqueBucketName('rls-own')
// Authenticated users may insert and nothing else.
const dropBox = uniqueBucketName('rls-drop')
// Authenticated users may read everything but delete nothing.
const readOnly = uniqueBucketName('rls-read')
// No policies at all.
const locked = uniqueBucketName('rls-locked')
const buckets = [ownFolders, dropBox, readOnly, locked]

let alice: Persona
let bob: Persona

const ownsFolder = `bucket_id = $bucket and (storage.foldername(name))[1] = (select auth.uid())::text`
const ownsObject = `bucket_id = $bucket and owner_id = (select auth.uid())::text`

beforeAll(async () => {
  for (const bucket of buckets) await createBucketBySql(bucket)
  await createPolicies(ownFolders, [
    { name: 'owners upload into their folder', sql: `for insert to authenticated with check (${ownsFolder})` },
    { name: 'owners read their files', sql: `for select to authenticated using (${ownsObject})` },
    { name: 'owners change their files', sql: `for update to authenticated using (${ownsObject}) with check (${ownsFolder})` },
    { name: 'owners delete their files', sql: `for delete to authenticated using (${ownsObject})` },
    { name: 'signed-in users see the bucket', table: 'buckets', sql: `for select to authenticated using (id = $bucket)` },
  ])
  await createPolicies(dropBox, [{ name: 'signed-in users drop files', sql: `for insert to authenticated with check (bucket_id = $bucket)` }])
  await createPolicies(readOnly, [
    { name: 'signed-in users read', sql: `for select to authenticated using (bucket_id = $bucket)` },
    { name: 'signed-in users upload', sql: `for insert to authenticated with check (bucket_id = $bucket)` },
  ])
  alice = await createPersona('storage-alice')
  bob = await createPersona('storage-bob')
})

afterAll(async () => {
  await dropStorageFixtures(buckets)
  await closeDb()
})

const aliceFile = (name: string) => `${alice.id}/${name}`

describe('upload (INSERT)', () => {
  it('lets the owner upload into her folder and records her as owner', async () => {
    const { data, error } = await alice.client.storage.from(ownFolders).upload(aliceFile('vollmacht.pdf'), 'PDF', { contentType: 'application/pdf' })
    expect(error).toBeNull()
    expect(data?.fullPath).toBe(`${ownFolders}/${aliceFile('vollmacht.pdf')}`)
    expect((await objectRow(ownFolders, aliceFile('vollmacht.pdf')))?.owner_id).toBe(alice.id)
  })

  it('refuses another user and anonymous callers with the RLS error', async () => {
    const byBob = await bob.client.storage.from(ownFolders).upload(aliceFile('untergeschoben.pdf'), 'x')
    expectStorageError(byBob.error, rlsViolation)
    const byAnon = await anonClient().storage.from(ownFolders).upload(aliceFile('anonym.pdf'), 'x')
    expectStorageError(byAnon.error, rlsViolation)
    expect(await objectRow(ownFolders, aliceFile('untergeschoben.pdf'))).toBeUndefined()
  })

  it('needs INSERT only: a drop box accepts files its users cannot read back', async () => {
    const { error } = await bob.client.storage.from(dropBox).upload('eingang/brief.txt', 'Brief')
    expect(error).toBeNull()
    const read = await bob.client.storage.from(dropBox).download('eingang/brief.txt')
    expectStorageError(read.error, objectNotFound)
  })
})

describe('upsert and update (SELECT + INSERT + UPDATE)', () => {
  it('lets the owner replace her file', async () => {
    const path = aliceFile('entwurf.txt')
    await alice.client.storage.from(ownFolders).upload(path, 'v1')
    const upsert = await alice.client.storage.from(ownFolders).upload(path, 'v2', { upsert: true })
    expect(upsert.error).toBeNull()
    const update = await alice.client.storage.from(ownFolders).update(path, 'v3')
    expect(update.error).toBeNull()
    expect(await (await alice.client.storage.from(ownFolders).download(path)).data?.text()).toBe('v3')
  })

  it('refuses an upsert where the caller may only insert', async () => {
    await bob.client.storage.from(dropBox).upload('eingang/doppelt.txt', 'v1')
    const { error } = await bob.client.storage.from(dropBox).upload('eingang/doppelt.txt', 'v2', { upsert: true })
    expectStorageError(error, { statusCode: '403', code: 'AccessDenied' })
  })

  it('refuses to overwrite another user\'s file', async () => {
    const path = aliceFile('fremd.txt')
    await alice.client.storage.from(ownFolders).upload(path, 'von Alice')
    const { error } = await bob.client.storage.from(ownFolders).update(path, 'von Bob')
    expectStorageError(error, { statusCode: '403', code: 'AccessDenied' })
    expect(await (await alice.client.storage.from(ownFolders).download(path)).data?.text()).toBe('von Alice')
  })
})

describe('read operations (SELECT)', () => {
  const path = () => aliceFile('akte.txt')
  beforeAll(async () => {
    await alice.client.storage.from(ownFolders).upload(path(), 'Aktenvermerk')
  })

  it('serves download, info, exists, list and signed URLs to the owner', async () => {
    const files = alice.client.storage.from(ownFolders)
    expect(await (await files.download(path())).data?.text()).toBe('Aktenvermerk')
    expect((await files.info(path())).data?.name).toBe(path())
    expect((await files.exists(path())).data).toBe(true)
    expect((await files.list(alice.id)).data?.map(entry => entry.name)).toContain('akte.txt')
    expect((await files.createSignedUrl(path(), 60)).error).toBeNull()
  })

  it('answers "not found" to everyone else, as if the file did not exist', async () => {
    const files = bob.client.storage.from(ownFolders)
    expectStorageError((await files.download(path())).error, objectNotFound)
    expectStorageError((await files.info(path())).error, objectNotFound)
    expect((await files.exists(path())).data).toBe(false)
    expect((await files.list(alice.id)).data).toEqual([])
    expectStorageError((await files.createSignedUrl(path(), 60)).error, objectNotFound)
    const signedMany = await files.createSignedUrls([path()], 60)
    expect(signedMany.data?.[0]?.error).toBe('Either the object does not exist or you do not have access to it')
    expectStorageError((await anonClient().storage.from(ownFolders).download(path())).error, { statusCode: '404' })
  })
})

describe('move (SELECT + UPDATE) and copy (SELECT + INSERT)', () => {
  it('lets the owner move and copy within her folder', async () => {
    const files = alice.client.storage.from(ownFolders)
    await files.upload(aliceFile('alt.txt'), 'Inhalt')
    expect((await files.move(aliceFile('alt.txt'), aliceFile('neu.txt'))).error).toBeNull()
    expect((await files.copy(aliceFile('neu.txt'), aliceFile('kopie.txt'))).error).toBeNull()
    expect(await (await files.download(aliceFile('kopie.txt'))).data?.text()).toBe('Inhalt')
    expectStorageError((await files.download(aliceFile('alt.txt'))).error, objectNotFound)
  })

  it('refuses moving or copying into someone else\'s folder', async () => {
    const files = alice.client.storage.from(ownFolders)
    await files.upload(aliceFile('bleibt.txt'), 'Inhalt')
    expectStorageError((await files.move(aliceFile('bleibt.txt'), `${bob.id}/bleibt.txt`)).error, rlsViolation)
    expectStorageError((await files.copy(aliceFile('bleibt.txt'), `${bob.id}/bleibt.txt`)).error, rlsViolation)
    expect(await objectRow(ownFolders, aliceFile('bleibt.txt'))).toBeDefined()
  })

  it('does not let a stranger move or copy a file he cannot see', async () => {
    const files = bob.client.storage.from(ownFolders)
    await alice.client.storage.from(ownFolders).upload(aliceFile('geheim.txt'), 'Inhalt')
    expectStorageError((await files.move(aliceFile('geheim.txt'), `${bob.id}/geheim.txt`)).error, objectNotFound)
    expectStorageError((await files.copy(aliceFile('geheim.txt'), `${bob.id}/geheim.txt`)).error, objectNotFound)
  })
})

describe('remove (SELECT + DELETE)', () => {
  it('removes the owner\'s file and returns its row', async () => {
    const files = alice.client.storage.from(ownFolders)
    await files.upload(aliceFile('weg.txt'), 'x')
    const { data, error } = await files.remove([aliceFile('weg.txt')])
    expect(error).toBeNull()
    expect(data?.map(row => row.name)).toEqual([aliceFile('weg.txt')])
    expect(await objectRow(ownFolders, aliceFile('weg.txt'))).toBeUndefined()
  })

  it('removes nothing for a stranger, or for a reader without DELETE', async () => {
    await alice.client.storage.from(ownFolders).upload(aliceFile('bleibt-auch.txt'), 'x')
    expect((await bob.client.storage.from(ownFolders).remove([aliceFile('bleibt-auch.txt')])).data).toEqual([])
    expect(await objectRow(ownFolders, aliceFile('bleibt-auch.txt'))).toBeDefined()

    await bob.client.storage.from(readOnly).upload('liste.txt', 'x')
    expect((await bob.client.storage.from(readOnly).remove(['liste.txt'])).data).toEqual([])
    expect(await objectRow(readOnly, 'liste.txt')).toBeDefined()
  })
})

describe('signed upload URLs (INSERT checked when signing)', () => {
  it('signs for the owner\'s folder, and the token alone then uploads', async () => {
    const path = aliceFile('per-link.txt')
    const signed = await alice.client.storage.from(ownFolders).createSignedUploadUrl(path)
    expect(signed.error).toBeNull()
    const uploaded = await anonClient().storage.from(ownFolders).uploadToSignedUrl(path, signed.data!.token, 'über den Link')
    expect(uploaded.error).toBeNull()
    expect((await objectRow(ownFolders, path))?.owner_id).toBe(alice.id)
  })

  it('refuses to sign for a folder the caller may not write', async () => {
    const { error } = await bob.client.storage.from(ownFolders).createSignedUploadUrl(aliceFile('fremd-link.txt'))
    expectStorageError(error, rlsViolation)
  })
})

describe('buckets (RLS on storage.buckets)', () => {
  it('shows a bucket only to roles its policies admit', async () => {
    expect((await alice.client.storage.getBucket(ownFolders)).data?.id).toBe(ownFolders)
    expect((await alice.client.storage.listBuckets()).data?.map(bucket => bucket.id)).toContain(ownFolders)
    expectStorageError((await anonClient().storage.getBucket(ownFolders)).error, { statusCode: '404', code: 'NoSuchBucket' })
    expect((await anonClient().storage.listBuckets()).data?.map(bucket => bucket.id)).not.toContain(ownFolders)
  })

  it('refuses creating, changing or deleting buckets without such policies', async () => {
    const name = uniqueBucketName('rls-new')
    expectStorageError((await alice.client.storage.createBucket(name)).error, rlsViolation)
    expectStorageError((await alice.client.storage.updateBucket(ownFolders, { public: true })).error, { statusCode: '404', code: 'NoSuchBucket' })
    expectStorageError((await alice.client.storage.deleteBucket(locked)).error, { statusCode: '404', code: 'NoSuchBucket' })
    expect((await serviceClient().storage.getBucket(locked)).data?.id).toBe(locked)
    const [bucket] = await db()`select public from storage.buckets where id = ${ownFolders}`
    expect(bucket?.public).toBe(false)
  })
})
