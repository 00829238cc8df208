// Backups in tests and the benchmark: a real S3 server (s3rver), a real age key pair, the Vault
// secrets the backup function reads, runs started the way pg_cron and the Verwaltung start them
// (private.request_backup → net.http_post → the backup function), and restores into an empty
// devstack instance through the same script `make restore` runs.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateX25519Identity, identityToRecipient } from 'age-encryption'
import type postgres from 'postgres'
import { dbUrl, type DevstackConfig } from '../../devstack/src/config.ts'
import { stopCluster } from '../../devstack/src/db/cluster.ts'
import { runningApi } from '../../devstack/src/lifecycle.ts'
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
  /** From start to end, while it ran or once it ended. */
  seconds: number | null
  /** The function's peak heap + external memory (successful runs). */
  peak_memory_bytes: number | null
}

export async function requestRun(sql: postgres.Sql): Promise<string> {
  const [run] = await sql<Array<{ id: string }>>`select (private.request_backup('manual')).id::text as id`
  return run!.id
}

export async function runRow(sql: postgres.Sql, id: string): Promise<RunRow> {
  const [row] = await sql<RunRow[]>`
    select id::text, seq::int, status, kind, step, error_code, error_message, db_changes::int, files_added, manifest_sha256, bytes::float8 as bytes,
           extract(epoch from coalesce(finished_at, clock_timestamp()) - started_at)::float8 as seconds, peak_memory_bytes::float8 as peak_memory_bytes
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

/** Requests a run and follows the continuations of runs that used up their time budget, to the end. */
export async function backUpToEnd(sql: postgres.Sql, timeoutMs: number): Promise<RunRow[]> {
  const runs = [await waitForRun(sql, await requestRun(sql), undefined, timeoutMs)]
  while (runs.at(-1)!.status === 'incomplete') {
    const [next] = await sql<Array<{ id: string }>>`
      select id::text from ops.backup_runs where trigger = 'continuation' and seq > ${runs.at(-1)!.seq} order by seq limit 1`
    if (!next) throw new Error(`backup run ${runs.at(-1)!.seq} ended incomplete without a continuation`)
    runs.push(await waitForRun(sql, next.id, undefined, timeoutMs))
  }
  return runs
}

/** The backup function's worker process (a child of the instance's API), by its pid. */
export function backupWorkerPid(config: DevstackConfig): number | null {
  const api = runningApi(config)?.pid
  for (const entry of readdirSync('/proc').filter(name => /^\d+$/.test(name))) {
    try {
      const parent = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1])
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
      if (parent === api && command.includes('edge-functions/backup/index.ts')) return Number(entry)
    }
    catch {
      // the process ended meanwhile
    }
  }
  return null
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
    report = JSON.parse(readFileSync(reportFile, 'utf8')) as RestoreReportJson
  }
  catch {
    // no report: the restore failed
  }
  return { code, output, config, report }
}

/** Stops the cluster restoreInto started, so a drill leaves no server running (its data stays to look at). */
export function stopRestoredInstance(instance: string, extraOffset: number): void {
  stopCluster(restoreInstance(instance, extraOffset))
}
