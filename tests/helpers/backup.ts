// Backups in tests and the benchmark: a real S3 server (s3rver), a real age key pair, the Vault
// secrets the backup function reads, runs started the way pg_cron and the Verwaltung start them
// (private.request_backup → net.http_post → the backup function), and restores into an empty
// devstack instance through the same script `make restore` runs.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateX25519Identity, identityToRecipient } from 'age-encryption'
import type postgres from 'postgres'
import { dbUrl, type DevstackConfig } from '../../devstack/src/config.ts'
import { prepareEmptyInstance, restoreInstance, runRestore } from '../../scripts/restore.ts'
import type { S3Server } from '../../scripts/s3-server.ts'

export interface BackupKeys { identity: string, recipient: string, identityFile: string, targetFile: string, dir: string }

export async function backupKeys(): Promise<BackupKeys> {
  const identity = await generateX25519Identity()
  const dir = mkdtempSync(join(tmpdir(), 'portal-backup-'))
  const identityFile = join(dir, 'identity.txt')
  writeFileSync(identityFile, `${identity}\n`, { mode: 0o600 })
  return { identity, recipient: await identityToRecipient(identity), identityFile, targetFile: join(dir, 'target.json'), dir }
}

async function setSecret(sql: postgres.Sql, name: string, value: string): Promise<void> {
  const [existing] = await sql<Array<{ id: string }>>`select id::text from vault.secrets where name = ${name}`
  if (existing) await sql`select vault.update_secret(${existing.id}::uuid, ${value})`
  else await sql`select vault.create_secret(${value}, ${name})`
}

/** A new chain: no runs, no slot, scheduled runs off, the target and recipient in Vault. */
export async function configureBackups(sql: postgres.Sql, server: S3Server, bucket: string, keys: BackupKeys): Promise<void> {
  const target = server.target(bucket)
  writeFileSync(keys.targetFile, JSON.stringify(target))
  await sql`update ops.backup_settings set schedule = null`
  await sql`truncate ops.backup_run_files, ops.backup_live_files, ops.backup_artefacts, ops.backup_runs`
  await sql`select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = 'portal_backup'`
  await setSecret(sql, 'backup_target', JSON.stringify(target))
  await setSecret(sql, 'backup_recipients', keys.recipient)
}

export async function unconfigureBackups(sql: postgres.Sql): Promise<void> {
  await sql`delete from vault.secrets where name in ('backup_target', 'backup_recipients')`
  await sql`update ops.backup_settings set schedule = '0 */2 * * *'`
}

export interface RunRow {
  id: string
  seq: number
  status: string
  kind: string | null
  step: string | null
  error_code: string | null
  error_message: string | null
  db_changes: number | null
  files_added: number | null
  manifest_sha256: string | null
  bytes: number
}

export async function requestRun(sql: postgres.Sql): Promise<string> {
  const [run] = await sql<Array<{ id: string }>>`select (private.request_backup('manual')).id::text as id`
  return run!.id
}

export async function runRow(sql: postgres.Sql, id: string): Promise<RunRow> {
  const [row] = await sql<RunRow[]>`
    select id::text, seq::int, status, kind, step, error_code, error_message, db_changes::int, files_added, manifest_sha256, bytes::int
      from ops.backup_runs where id = ${id}`
  return row!
}

export async function waitForRun(sql: postgres.Sql, id: string, until: (run: RunRow) => boolean = run => !['queued', 'running'].includes(run.status), timeoutMs = 90_000): Promise<RunRow> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const run = await runRow(sql, id)
    if (until(run)) return run
    if (Date.now() > deadline) throw new Error(`backup run ${run.seq} is still ${run.status} (${run.step}) after ${timeoutMs / 1000} s`)
    await new Promise(resolveWait => setTimeout(resolveWait, 100))
  }
}

/** Requests a run and waits for its end. */
export async function backUp(sql: postgres.Sql): Promise<RunRow> {
  return await waitForRun(sql, await requestRun(sql))
}

export interface Restored { code: number, output: string, config: DevstackConfig, report: RestoreReportJson | null }

export interface RestoreReportJson {
  point: { seq: number, kind: string, manifestSha256: string }
  tables: Array<{ relation: string, rows: number, checksum: string }>
  outsideMigrations: string[]
  files: Array<{ bucket: string, name: string, objectId: string, version: string, bytes: number, sha256: string }>
  missingFiles: Array<{ objectId: string }>
}

/** Restores a point into a new, empty devstack instance (its own ports and data folder). */
export async function restoreInto(root: string, instance: string, keys: BackupKeys, at: string, extraOffset: number): Promise<Restored> {
  const config = restoreInstance(instance, extraOffset)
  await prepareEmptyInstance(config)
  const reportFile = join(keys.dir, `report-${Date.now()}.json`)
  const { code, output } = await runRestore(root, [
    '--target', keys.targetFile, '--identity', keys.identityFile, '--at', at,
    '--db-url', dbUrl(config, 'supabase_admin'), '--storage-dir', config.storageDir, '--report', reportFile,
  ], { quiet: true })
  let report: RestoreReportJson | null = null
  try {
    report = JSON.parse((await import('node:fs')).readFileSync(reportFile, 'utf8')) as RestoreReportJson
  }
  catch {
    // no report: the restore failed
  }
  return { code, output, config, report }
}
