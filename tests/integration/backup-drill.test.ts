// The restore drill: the test instance is backed up by the real backup function (pg_cron's path:
// private.request_backup → net.http_post → function) to a real S3 server with a real age key; each
// point is restored into a second, empty devstack instance by the script `make restore` runs, which
// itself refuses any table whose checksum differs from the source's at that point. Around it: no
// plaintext in the bucket, an S3 server stopped mid-run, the function killed with SIGKILL mid-run,
// and tampered artefacts and manifests.
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dbUrl, loadConfig } from '../../devstack/src/config.ts'
import { type S3Server, startS3Server } from '../../scripts/s3-server.ts'
import { backupKeys, type BackupKeys, backUp, backupWorkerPid, configureBackups, requestRun, restoreInto, type Restored, stopRestoredInstance, unconfigureBackups, waitForRun } from '../helpers/backup.ts'
import { restFixture } from '../helpers/fixtures.ts'
import { call, closePortal, enrolTotp, newClient, newMatter, staffMember, uploadDocument, type UploadedDocument } from '../helpers/portal.ts'
import { db, serviceClient } from '../helpers/personas.ts'
import postgres from 'postgres'

const source = loadConfig({ ...process.env, DEVSTACK_INSTANCE: 'test' })
const root = source.root
const s3Dir = join(source.dataDir, 'backup-drill-s3')
const bucket = `drill-${randomUUID().slice(0, 8)}`
const marker = `Vertraulich-${randomUUID()}`
let server: S3Server
let keys: BackupKeys

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
const sql = () => db()

async function slotPosition(): Promise<string | null> {
  const [slot] = await sql()<Array<{ lsn: string | null }>>`select confirmed_flush_lsn::text as lsn from pg_replication_slots where slot_name = 'portal_backup'`
  return slot?.lsn ?? null
}

async function watermark(): Promise<string> {
  const [row] = await sql()<Array<{ files: string }>>`
    select count(*) || ':' || coalesce(max(since_seq), 0) || ':' || count(until_seq) as files from ops.backup_live_files`
  return row!.files
}

/** Where the slot and the file watermark stand: a failed run must leave both where they were. */
async function positions(): Promise<{ slot: string | null, files: string }> {
  return { slot: await slotPosition(), files: await watermark() }
}

function bucketFiles(): string[] {
  const found: string[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry)
      if (statSync(path).isDirectory()) walk(path)
      else found.push(path)
    }
  }
  walk(join(s3Dir, bucket))
  return found
}

const objectFile = (key: string) => bucketFiles().find(path => path.includes(key) && path.endsWith('._S3rver_object'))!

const restoreTarget = { instance: 'test-restore', extraOffset: 1500 }

async function restored(at: string): Promise<Restored> {
  const result = await restoreInto(root, restoreTarget.instance, keys, at, restoreTarget.extraOffset)
  return result
}

async function restoredRows<T>(result: Restored, query: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const target = postgres(dbUrl(result.config, 'supabase_admin'), { max: 1, onnotice: () => {} })
  try {
    return await query(target)
  }
  finally {
    await target.end()
  }
}

const restoredFileSha = (result: Restored, bucketId: string, name: string) => {
  const file = result.report!.files.find(entry => entry.bucket === bucketId && entry.name === name)
  if (!file) return null
  return sha256(readFileSync(join(result.config.storageDir, bucketId, name, file.version)))
}

/** The next run succeeds and its point restores `file` intact: the failed run lost nothing. */
async function nextRunCatchesUp(file: UploadedDocument): Promise<void> {
  const next = await backUp(sql())
  expect(next.status).toBe('succeeded')
  const latest = await restored('latest')
  expect(latest.code, latest.output).toBe(0)
  expect(restoredFileSha(latest, 'documents', file.path)).toBe(sha256(file.bytes))
}

describe('backup and restore drill', () => {
  let admin: Awaited<ReturnType<typeof staffMember>>
  let matter: Awaited<ReturnType<typeof newMatter>>
  let contract: UploadedDocument
  let ticket: { id: string, number: number }
  let firstRun: Awaited<ReturnType<typeof backUp>>
  let secondRun: Awaited<ReturnType<typeof backUp>>
  let thirdRun: Awaited<ReturnType<typeof backUp>>
  const people: Record<string, string> = {}

  beforeAll(async () => {
    server = await startS3Server(root, s3Dir, { buckets: [bucket] })
    keys = await backupKeys()
    await configureBackups(sql(), server, bucket, keys)
    // Tables no migration creates (the REST contract tests' fixture) before the first point, so
    // the schema stays put during the drill and the restore must bring them back too.
    await restFixture()
    admin = await staffMember('Backup-Anwältin', { admin: true })
    const client = await newClient(admin, `Mandantin ${marker}`)
    matter = await newMatter(admin, client, 'Kündigung')
    contract = await uploadDocument(admin, matter, 'Vertrag.txt', `${marker} Vertragstext`)
    ticket = await call<{ id: string, number: number }>(admin.client, 'open_ticket', { client_id: client.id, subject: 'Frist', body: `${marker} Frist prüfen` })
  }, 60_000)

  afterAll(async () => {
    await unconfigureBackups(sql())
    await server?.stop()
    stopRestoredInstance(restoreTarget.instance, restoreTarget.extraOffset)
    await closePortal()
  })

  it('takes a full copy first, then incrementals with inserts, updates and deletes of auth users, factors and document versions', async () => {
    firstRun = await backUp(sql())
    expect(firstRun).toMatchObject({ status: 'succeeded', kind: 'full' })

    // Between the first and the second point: a new user with a TOTP factor, a renamed profile, a second document version.
    const guest = await staffMember('Backup-Kollege')
    await enrolTotp(guest.client)
    people.guest = guest.id
    await sql()`update public.profiles set display_name = ${`Umbenannt ${marker}`} where id = ${admin.id}`
    // A table with a GENERATED ALWAYS identity (the ticket number): its updates restore too.
    await sql()`update public.tickets set priority = 'high' where id = ${ticket.id}`
    const version2 = await uploadDocument(admin, matter, 'Vertrag-v2.txt', `${marker} zweite Fassung`)
    people.version2 = version2.path
    secondRun = await backUp(sql())
    expect(secondRun).toMatchObject({ status: 'succeeded', kind: 'incremental' })
    expect(secondRun.db_changes).toBeGreaterThan(0)
    expect(secondRun.files_added).toBeGreaterThanOrEqual(1)

    // Between the second and the third: the user goes (its factor with it: a last factor alone may
    // not be removed), the first document's file is purged.
    const { error } = await serviceClient().auth.admin.deleteUser(guest.id)
    expect(error).toBeNull()
    const removed = await serviceClient().storage.from('documents').remove([contract.path])
    expect(removed.error).toBeNull()
    thirdRun = await backUp(sql())
    expect(thirdRun).toMatchObject({ status: 'succeeded', kind: 'incremental' })
  }, 120_000)

  it('restores every point into an empty instance with every table and file equal to the source at that point', async () => {
    const first = await restored(String(firstRun.seq))
    expect(first.code, first.output).toBe(0)
    expect(restoredFileSha(first, 'documents', contract.path)).toBe(sha256(contract.bytes))
    expect(first.report!.tables.length).toBeGreaterThan(50)
    expect(first.report!.outsideMigrations).toContain('public.contract_clients')
    expect(await restoredRows(first, async target => (await target`
      select c.relrowsecurity as rls, has_table_privilege('anon', c.oid, 'select') as anon, has_table_privilege('authenticated', c.oid, 'select') as authenticated,
             (select count(*)::int from public.contract_clients) as rows
        from pg_catalog.pg_class as c where c.oid = 'public.contract_clients'::regclass`)[0])).toEqual({ rls: true, anon: false, authenticated: false, rows: 4 })

    const second = await restored(String(secondRun.seq))
    expect(second.code, second.output).toBe(0)
    const atSecond = await restoredRows(second, async target => ({
      user: (await target`select 1 from auth.users where id = ${people.guest!}`).length,
      factors: (await target`select 1 from auth.mfa_factors where user_id = ${people.guest!}`).length,
      name: (await target`select display_name from public.profiles where id = ${admin.id}`)[0]?.display_name,
      ticket: (await target`select number::int, priority from public.tickets where id = ${ticket.id}`)[0],
    }))
    expect(atSecond).toEqual({ user: 1, factors: 1, name: `Umbenannt ${marker}`, ticket: { number: ticket.number, priority: 'high' } })
    expect(restoredFileSha(second, 'documents', contract.path)).toBe(sha256(contract.bytes))
    expect(restoredFileSha(second, 'documents', people.version2!)).not.toBeNull()

    const third = await restored(String(thirdRun.seq))
    expect(third.code, third.output).toBe(0)
    const atThird = await restoredRows(third, async target => ({
      user: (await target`select 1 from auth.users where id = ${people.guest!}`).length,
      factors: (await target`select 1 from auth.mfa_factors where user_id = ${people.guest!}`).length,
      object: (await target`select 1 from storage.objects where name = ${contract.path}`).length,
    }))
    expect(atThird).toEqual({ user: 0, factors: 0, object: 0 })
    expect(restoredFileSha(third, 'documents', contract.path)).toBeNull()
    expect(restoredFileSha(third, 'documents', people.version2!)).not.toBeNull()
  }, 180_000)

  it('leaves no plaintext in the bucket: no names, addresses or file contents, in objects or keys', () => {
    const needles = [marker, admin.email, 'Vertragstext', 'zweite Fassung', 'Kündigung', 'Backup-Anwältin']
    const files = bucketFiles()
    expect(files.length).toBeGreaterThan(10)
    for (const file of files) {
      const content = readFileSync(file).toString('latin1') + readFileSync(file).toString('utf8') + file
      for (const needle of needles) expect(content.includes(needle), `${needle} in ${file}`).toBe(false)
    }
  })

  it('a run whose S3 server stops mid-upload fails, moves neither slot nor watermark, and the next run catches up', async () => {
    const big = await uploadDocument(admin, matter, 'Akte-gross.txt', `${marker}${randomBytes(12 * 1024 * 1024).toString('base64')}`)
    const before = await positions()
    const id = await requestRun(sql())
    await waitForRun(sql(), id, run => run.step === 'files' || (run.status !== 'running' && run.status !== 'queued'))
    await server.stop('SIGKILL')
    const failed = await waitForRun(sql(), id)
    expect(failed.status).toBe('failed')
    expect(['upload_failed', 's3_request_failed', 'upload_verification_failed']).toContain(failed.error_code)
    expect(await positions()).toEqual(before)

    server = await startS3Server(root, s3Dir, { port: server.port, buckets: [bucket] })
    await nextRunCatchesUp(big)
  }, 180_000)

  it('the function killed with SIGKILL mid-run leaves the run interrupted, slot and watermark unmoved, and the next run succeeds', async () => {
    const big = await uploadDocument(admin, matter, 'Akte-noch-groesser.txt', `${marker}${randomBytes(12 * 1024 * 1024).toString('base64')}`)
    const before = await positions()
    const id = await requestRun(sql())
    await waitForRun(sql(), id, run => run.step === 'files')
    const pid = backupWorkerPid(source)
    expect(pid).not.toBeNull()
    process.kill(pid!, 'SIGKILL')
    // The watch job (every 5 minutes) finds the run's lock free; called here instead of waiting.
    await expect.poll(async () => {
      await sql()`select private.watch_backups()`
      return (await sql()<Array<{ status: string, error_code: string }>>`select status, error_code from ops.backup_runs where id = ${id}`)[0]
    }, { timeout: 15_000 }).toEqual({ status: 'failed', error_code: 'interrupted' })
    expect(await positions()).toEqual(before)

    await nextRunCatchesUp(big)
  }, 180_000)

  it('a tampered artefact or manifest stops the restore with a clear error', async () => {
    const [run] = await sql()<Array<{ seq: number, manifest_key: string, previous: string }>>`
      select r.seq::int, r.manifest_key, p.manifest_key as previous from ops.backup_runs as r
        join ops.backup_runs as p on p.id = r.previous_run_id
       where r.status = 'succeeded' and r.kind = 'incremental' order by r.seq desc limit 1`
    const [changes] = await sql()<Array<{ key: string }>>`
      select key from ops.backup_artefacts where kind = 'changes' and state = 'stored' and run_id = (select id from ops.backup_runs where seq = ${run!.seq})`

    const artefact = objectFile(changes!.key)
    const original = readFileSync(artefact)
    const changed = Buffer.from(original)
    changed[changed.length - 20]! ^= 0x01
    writeFileSync(artefact, changed)
    const broken = await restored(String(run!.seq))
    writeFileSync(artefact, original)
    expect(broken.code).not.toBe(0)
    expect(broken.output).toMatch(/restore failed \((artefact_unreadable|artefact_checksum_mismatch)\)/)

    const manifest = objectFile(run!.previous)
    const manifestBytes = readFileSync(manifest)
    writeFileSync(manifest, readFileSync(objectFile((await sql()<Array<{ manifest_key: string }>>`
      select manifest_key from ops.backup_runs where seq = ${firstRun.seq}`)[0]!.manifest_key)))
    const forged = await restored(String(run!.seq))
    writeFileSync(manifest, manifestBytes)
    expect(forged.code).not.toBe(0)
    expect(forged.output).toMatch(/restore failed \(manifest_chain_broken\)/)
  }, 180_000)
})
