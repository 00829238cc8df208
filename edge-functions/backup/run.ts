// One backup run, step by step (each step's state is in ops.backup_*, see the migration
// 20261203130000_backup_runs.sql):
//   claim     take the session advisory lock, mark the queued run running (and stale ones failed)
//   snapshot  one repeatable-read transaction: pg_current_snapshot(), the catalog, a checksum per
//             table, sequences, the file work list; a full copy streams every table from it
//   changes   incremental: the slot's transactions between the previous point and this one
//   files     every Storage object added since the last success (or all, for a full), streamed
//   manifest  the run's manifest, chained to the previous one
//   finish    one transaction: the file watermark moves, the run is marked succeeded; only then is
//             the slot advanced and retention applied
// Any error before `finish` fails the run and moves nothing: the next run covers the same changes.
import type postgres from 'postgres'
import { coveredTables, migrationVersion, schemaFingerprint, sequenceValues, tableChecksums, type TableInfo } from './catalog.ts'
import { advanceSlot, type ChangeSummary, ensureSlot, parseSnapshot, peekChanges, selectChanges, type Snapshot, waitForFlush } from './changes.ts'
import { encryptStream, lineStream, meter } from './encryption.ts'
import { artefactKeys, manifestFormat, manifestVersion, type ManifestEntry, type RunHeader, type StoredArtefact } from './manifest.ts'
import { prune } from './retention.ts'
import { S3Error, type S3Client } from './s3.ts'
import { ConfigurationError } from './settings.ts'
import { type DownloadObject, UnavailableFile } from './storage-files.ts'

export interface BackupTarget { s3: S3Client, recipients: string[] }

export interface BackupDeps {
  /** The direct database connection (role postgres); at least 4 connections. */
  sql: postgres.Sql
  /** One more connection of its own, for the run's session lock (ended when the run ends). */
  lockSession: () => postgres.Sql
  download: DownloadObject
  /** The bucket and the recipients, from Vault. */
  target: () => Promise<BackupTarget>
  /** How long this invocation may work before a continuation takes over. */
  budgetMs: number
}

export type RunOutcome = { status: 'succeeded' | 'failed' | 'incomplete' | 'busy' | 'not_queued', code?: string }

export class BackupFailure extends Error {
  constructor(readonly code: string, message: string) {
    super(message)
  }
}

class OutOfTime extends Error {}

interface RunRow { id: string, seq: number, trigger: string }

interface PreviousRun {
  id: string
  seq: number
  kind: 'full' | 'incremental'
  snapshot: string
  snapshot_at: Date
  migration_version: string
  schema_fingerprint: string
  base_run_id: string
  base_snapshot_at: Date
  manifest_key: string
  manifest_sha256: string
}

interface Settings { full_every_seconds: number }

/** One row in COPY's text format: tab-separated, \\N for null, backslash escapes. */
export function copyTextLine(values: Array<string | null>): string {
  return values.map(value => (value === null ? '\\N' : value.replace(/[\\\n\r\t]/g, character => copyEscapes[character]!))).join('\t')
}

const copyEscapes: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** Runs the queued run `runId` to its end; never throws (the outcome is also in ops.backup_runs). */
export async function runBackup(runId: string, deps: BackupDeps): Promise<RunOutcome> {
  const { sql } = deps
  const lock = deps.lockSession()
  try {
    try {
      await lock`set lock_timeout = '30s'`
      await lock`select pg_advisory_lock(private.backup_lock_key())`
    }
    catch {
      return { status: 'busy' }
    }
    const run = await claim(sql, runId)
    if (!run) return { status: 'not_queued' }
    try {
      await new Run(run, deps, await loadTarget(deps)).execute()
      return { status: 'succeeded' }
    }
    catch (error) {
      if (error instanceof OutOfTime) {
        await sql`select private.end_backup_run(${run.id}, 'incomplete', 'time_budget', ${error.message})`
        return { status: 'incomplete', code: 'time_budget' }
      }
      const code = error instanceof BackupFailure || error instanceof S3Error || error instanceof ConfigurationError ? error.code : 'unexpected_failure'
      const message = error instanceof Error ? error.message : String(error)
      console.error(`backup run ${run.seq} failed (${code}): ${message}`)
      await sql`select private.end_backup_run(${run.id}, 'failed', ${code}, ${message})`.catch(() => {})
      return { status: 'failed', code }
    }
  }
  finally {
    await lock.end({ timeout: 5 }).catch(() => {})
  }
}

async function loadTarget(deps: BackupDeps): Promise<BackupTarget> {
  return await deps.target()
}

/** With the lock held, any other running run is a dead function's: it is failed first. */
async function claim(sql: postgres.Sql, runId: string): Promise<RunRow | null> {
  const stale = await sql<Array<{ id: string }>>`select id from ops.backup_runs where status = 'running' and id <> ${runId}`
  for (const row of stale) {
    await sql`select private.end_backup_run(${row.id}, 'failed', 'interrupted', 'The backup function stopped before the run ended.')`
  }
  const [run] = await sql<RunRow[]>`
    update ops.backup_runs set status = 'running', started_at = now(), step = 'snapshot'
     where id = ${runId} and status = 'queued'
    returning id, seq::int, trigger`
  return run ?? null
}

/**
 * The largest V8 heap + external (ArrayBuffer) memory seen while a run works, sampled every 250 ms:
 * what the edge runtime's memory limit counts (the process's resident size also holds Deno itself).
 */
export function memorySampler(): { peak: () => number, stop: () => void } {
  let peak = 0
  const sample = () => {
    const usage = Deno.memoryUsage()
    peak = Math.max(peak, usage.heapUsed + usage.external)
  }
  sample()
  const timer = setInterval(sample, 250)
  return {
    peak: () => {
      sample()
      return peak
    },
    stop: () => clearInterval(timer),
  }
}

class Run {
  private readonly startedAt = Date.now()
  private bytes = 0
  private artefacts = 0
  private readonly entries: ManifestEntry[] = []
  private readonly summary: ChangeSummary = { transactions: 0, changes: 0, advanceLsn: null }

  constructor(private readonly run: RunRow, private readonly deps: BackupDeps, private readonly target: BackupTarget) {}

  private get sql() {
    return this.deps.sql
  }

  async execute(): Promise<void> {
    const memory = memorySampler()
    try {
      await this.steps(memory)
    }
    finally {
      memory.stop()
    }
  }

  private async steps(memory: ReturnType<typeof memorySampler>): Promise<void> {
    const sql = this.sql
    await this.cleanUpLeftovers()
    const [previous] = await sql<PreviousRun[]>`
      select r.id, r.seq::int, r.kind, r.snapshot, r.snapshot_at, r.migration_version, r.schema_fingerprint, r.base_run_id,
             b.snapshot_at as base_snapshot_at, r.manifest_key, r.manifest_sha256
        from ops.backup_runs as r join ops.backup_runs as b on b.id = r.base_run_id
       where r.status = 'succeeded' order by r.seq desc limit 1`
    const [settings] = await sql<Settings[]>`select extract(epoch from full_every)::int as full_every_seconds from ops.backup_settings`
    const slotCreated = await ensureSlot(sql)

    const snapshot = await this.takeSnapshot(previous ?? null, slotCreated, settings!)
    await this.step('changes')
    await this.collectChanges(snapshot, previous ?? null)
    await this.step('files')
    await this.storeFiles()
    await this.step('manifest')
    const manifest = await this.writeManifest(snapshot.header)
    await this.finish(snapshot.header, manifest, memory.peak())
    if (this.summary.advanceLsn) await advanceSlot(sql, this.summary.advanceLsn).catch(error => console.error('backup: advancing the slot failed:', error))
    await prune(sql, this.target.s3).catch(error => console.error('backup: retention failed:', error))
  }

  private async step(name: string): Promise<void> {
    await this.sql`update ops.backup_runs set step = ${name} where id = ${this.run.id}`
  }

  /** Multipart uploads and objects of runs that died mid-upload. */
  private async cleanUpLeftovers(): Promise<void> {
    const leftovers = await this.sql<Array<{ key: string, upload_id: string | null }>>`
      select key, upload_id from ops.backup_artefacts where state = 'uploading' and run_id <> ${this.run.id}`
    for (const leftover of leftovers) {
      if (leftover.upload_id) await this.target.s3.abortMultipart(leftover.key, leftover.upload_id).catch(() => {})
      await this.target.s3.delete([leftover.key])
      await this.sql`update ops.backup_artefacts set state = 'deleted', deleted_at = now(), upload_id = null where key = ${leftover.key}`
    }
  }

  private async takeSnapshot(previous: PreviousRun | null, slotCreated: boolean, settings: Settings) {
    const sql = this.sql
    return await sql.begin('isolation level repeatable read', async (tx) => {
      const [view] = await tx<Array<{ snapshot: string, at: Date }>>`select pg_current_snapshot()::text as snapshot, clock_timestamp() as at`
      const tables = await coveredTables(tx)
      const fingerprint = await schemaFingerprint(tables)
      const version = await migrationVersion(tx)
      const fullReason = !previous
        ? 'first'
        : slotCreated
          ? 'slot'
          : previous.migration_version !== version
            ? 'migration'
            : previous.schema_fingerprint !== fingerprint
              ? 'schema'
              : view!.at.getTime() - previous.base_snapshot_at.getTime() >= settings.full_every_seconds * 1000
                ? 'interval'
                : null
      const kind = fullReason ? 'full' : 'incremental'
      const [wal] = await tx<Array<{ lsn: string }>>`select pg_current_wal_insert_lsn()::text as lsn`

      for (const checksum of await tableChecksums(tx, tables)) this.entries.push({ type: 'checksum', ...checksum })
      for (const sequence of await sequenceValues(tx)) {
        if (!sequence.sequence.startsWith('ops.backup_')) this.entries.push({ type: 'sequence', ...sequence })
      }
      if (kind === 'full') await this.copyTables(tx, tables)
      await this.planFiles(tx, kind === 'full')

      const header: RunHeader = {
        type: 'run',
        format: manifestFormat,
        version: manifestVersion,
        id: this.run.id,
        seq: this.run.seq,
        kind,
        fullReason,
        snapshot: view!.snapshot,
        snapshotAt: view!.at.toISOString(),
        migrationVersion: version,
        schemaFingerprint: fingerprint,
        baseRunId: kind === 'full' ? this.run.id : previous!.base_run_id,
        previousRunId: previous?.id ?? null,
        previousManifest: previous ? { key: previous.manifest_key, sha256: previous.manifest_sha256 } : null,
      }
      await tx`
        update ops.backup_runs
           set kind = ${kind}, full_reason = ${fullReason}, snapshot = ${header.snapshot}, snapshot_at = ${view!.at},
               migration_version = ${version}, schema_fingerprint = ${fingerprint}, base_run_id = ${header.baseRunId},
               previous_run_id = ${header.previousRunId}, table_rows = ${this.entries.reduce((sum, entry) => sum + (entry.type === 'checksum' ? entry.rows : 0), 0)}
         where id = ${this.run.id}`
      return { header, tables, uptoLsn: wal!.lsn }
    })
  }

  /**
   * Each table in COPY's text format, read through a cursor (postgres.js's COPY stream can leave
   * its connection paused, which hung the transaction's next statement): values as their type's
   * output text, exactly what COPY would write, so the restore loads them with COPY FROM.
   */
  private async copyTables(tx: postgres.TransactionSql, tables: TableInfo[]): Promise<void> {
    let index = 0
    for (const table of tables) {
      index++
      const columns = table.columns.map(column => `"${column.replaceAll('"', '""')}"::text`).join(', ')
      const rows = tx.unsafe(`select ${columns} from ${table.relation}`).values().cursor(1000) as AsyncIterable<Array<Array<string | null>>>
      const lines = (async function* () {
        for await (const batch of rows) yield batch.map(copyTextLine)
      })()
      const stored = await this.store(artefactKeys.table(this.run.seq, this.run.id, index), 'table', lineStream(lines))
      this.entries.push({ type: 'table', relation: table.relation, columns: table.columns, types: table.types, ...stored })
    }
  }

  /** Files added since the last success (all live ones for a full copy) and files deleted. */
  private async planFiles(tx: postgres.TransactionSql, full: boolean): Promise<void> {
    await tx`
      insert into ops.backup_run_files (run_id, object_id, version, bucket_id, name, size, etag, change, state, key)
      select ${this.run.id}, o.id, coalesce(o.version, ''), o.bucket_id, o.name, (o.metadata->>'size')::bigint, o.metadata->>'eTag',
             'added', case when a.key is null then 'pending' else 'stored' end, a.key
        from storage.objects as o
        left join ops.backup_artefacts as a
          on a.kind = 'file' and a.state = 'stored' and a.object_id = o.id and a.object_version = coalesce(o.version, '')
       where ${full} or not exists (
               select 1 from ops.backup_live_files as l
                where l.until_seq is null and l.object_id = o.id and l.version = coalesce(o.version, ''))`
    if (full) return
    await tx`
      insert into ops.backup_run_files (run_id, object_id, version, bucket_id, name, change, state, key)
      select ${this.run.id}, l.object_id, l.version, l.bucket_id, l.name, 'deleted', 'stored', l.key
        from ops.backup_live_files as l
       where l.until_seq is null
         and not exists (select 1 from storage.objects as o where o.id = l.object_id and coalesce(o.version, '') = l.version)`
  }

  private async collectChanges(snapshot: { header: RunHeader, tables: TableInfo[], uptoLsn: string }, previous: PreviousRun | null): Promise<void> {
    const sql = this.sql
    await waitForFlush(sql, snapshot.uptoLsn)
    const current = parseSnapshot(snapshot.header.snapshot)
    const before: Snapshot | null = snapshot.header.kind === 'full' ? current : parseSnapshot(previous!.snapshot)
    const covered = new Set(snapshot.tables.map(table => table.relation))
    const changes = selectChanges(peekChanges(sql, snapshot.uptoLsn), current, before, covered, this.summary)
    if (snapshot.header.kind === 'full') {
      // Everything the snapshot saw is in the copy; reading through only finds how far the slot may move.
      for await (const _ of changes) { /* drained */ }
      return
    }
    const lines = (async function* () {
      for await (const batch of changes) yield batch.map(change => JSON.stringify(change))
    })()
    const stored = await this.store(artefactKeys.changes(this.run.seq, this.run.id), 'changes', lineStream(lines))
    this.entries.push({ type: 'changes', transactions: this.summary.transactions, changes: this.summary.changes, ...stored })
  }

  private async storeFiles(): Promise<void> {
    const sql = this.sql
    for (;;) {
      const pending = await sql<Array<{ object_id: string, version: string, bucket_id: string, name: string, size: string | null }>>`
        select object_id, version, bucket_id, name, size::text from ops.backup_run_files
         where run_id = ${this.run.id} and state = 'pending' order by bucket_id, name limit 50`
      if (pending.length === 0) return
      for (const file of pending) {
        if (Date.now() - this.startedAt > this.deps.budgetMs) {
          throw new OutOfTime(`the time budget of ${this.deps.budgetMs / 1000} s ran out with files left; a continuation run goes on`)
        }
        const key = artefactKeys.file(file.object_id, file.version)
        let state: 'stored' | 'unavailable' = 'stored'
        try {
          const body = await this.deps.download({ bucket: file.bucket_id, name: file.name, size: file.size === null ? null : Number(file.size) })
          await this.store(key, 'file', body, { objectId: file.object_id, version: file.version })
        }
        catch (error) {
          if (!(error instanceof UnavailableFile)) throw error
          state = 'unavailable'
        }
        await sql`
          update ops.backup_run_files set state = ${state}, key = ${state === 'stored' ? key : null}
           where run_id = ${this.run.id} and object_id = ${file.object_id} and version = ${file.version}`
      }
    }
  }

  /** Encrypts and uploads one artefact; recorded before the upload so a crash leaves nothing untracked. */
  private async store(key: string, kind: 'table' | 'changes' | 'file' | 'manifest', plaintext: ReadableStream<Uint8Array>, file?: { objectId: string, version: string }): Promise<StoredArtefact> {
    const sql = this.sql
    await sql`
      insert into ops.backup_artefacts (key, run_id, kind, object_id, object_version)
      values (${key}, ${this.run.id}, ${kind}, ${file?.objectId ?? null}, ${file?.version ?? null})
      on conflict (key) do update set state = 'uploading', run_id = excluded.run_id, upload_id = null, deleted_at = null
       where ops.backup_artefacts.state <> 'stored'`
    const plain = meter()
    const cipher = meter()
    const encrypted = await encryptStream(this.target.recipients, plaintext.pipeThrough(plain.stream))
    const stored = await this.target.s3.upload(key, encrypted.pipeThrough(cipher.stream), async (uploadId) => {
      await sql`update ops.backup_artefacts set upload_id = ${uploadId} where key = ${key}`
    })
    const { bytes, sha256 } = cipher.result()
    if (stored.bytes !== bytes) throw new BackupFailure('upload_verification_failed', `${key}: ${stored.bytes} bytes stored, ${bytes} sent`)
    await sql`
      update ops.backup_artefacts
         set state = 'stored', bytes = ${bytes}, sha256 = ${sha256}, content_sha256 = ${plain.result().sha256},
             upload_id = null, stored_at = now()
       where key = ${key}`
    this.bytes += bytes
    this.artefacts++
    return { key, bytes, sha256 }
  }

  private async writeManifest(header: RunHeader): Promise<StoredArtefact> {
    const sql = this.sql
    const runId = this.run.id
    const entries = this.entries
    const lines = (async function* () {
      yield [JSON.stringify(header)]
      yield entries.map(entry => JSON.stringify(entry))
      let count = entries.length
      const files = sql<Array<{ change: 'added' | 'deleted', state: string, bucket_id: string, name: string, object_id: string, version: string, key: string | null, bytes: string | null, sha256: string | null, content_sha256: string | null, size: string | null }>>`
        select f.change, f.state, f.bucket_id, f.name, f.object_id, f.version, f.key, a.bytes::text, a.sha256, a.content_sha256, f.size::text
          from ops.backup_run_files as f left join ops.backup_artefacts as a on a.key = f.key
         where f.run_id = ${runId} order by f.change, f.bucket_id, f.name`.cursor(500)
      for await (const batch of files) {
        count += batch.length
        yield batch.map((file) => {
          const place = { bucket: file.bucket_id, name: file.name, objectId: file.object_id, version: file.version }
          if (file.change === 'deleted') return JSON.stringify({ type: 'file', change: 'deleted', ...place })
          if (file.state !== 'stored') return JSON.stringify({ type: 'file', change: 'unavailable', ...place })
          return JSON.stringify({
            type: 'file', change: 'added', ...place, size: Number(file.size ?? 0), contentSha256: file.content_sha256,
            key: file.key, bytes: Number(file.bytes), sha256: file.sha256,
          })
        })
      }
      yield [JSON.stringify({ type: 'end', entries: count })]
    })()
    return await this.store(artefactKeys.manifest(this.run.seq, this.run.id), 'manifest', lineStream(lines))
  }

  private async finish(header: RunHeader, manifest: StoredArtefact, peakMemory: number): Promise<void> {
    const runId = this.run.id
    const seq = this.run.seq
    await this.sql.begin(async (tx) => {
      if (header.kind === 'full') {
        await tx`update ops.backup_live_files set until_seq = ${seq} where until_seq is null`
      }
      else {
        await tx`
          update ops.backup_live_files as l set until_seq = ${seq}
            from ops.backup_run_files as f
           where f.run_id = ${runId} and f.change = 'deleted' and l.until_seq is null
             and l.object_id = f.object_id and l.version = f.version`
      }
      await tx`
        insert into ops.backup_live_files (object_id, version, bucket_id, name, key, since_seq)
        select f.object_id, f.version, f.bucket_id, f.name, f.key, ${seq}
          from ops.backup_run_files as f
         where f.run_id = ${runId} and f.change = 'added' and f.state = 'stored'`
      await tx`
        update ops.backup_runs as r
           set status = 'succeeded', step = null, finished_at = now(), bytes = ${this.bytes}, artefacts = ${this.artefacts},
               db_changes = ${header.kind === 'full' ? null : this.summary.changes},
               files_added = (select count(*) from ops.backup_run_files as f where f.run_id = r.id and f.change = 'added' and f.state = 'stored'),
               files_deleted = (select count(*) from ops.backup_run_files as f where f.run_id = r.id and f.change = 'deleted'),
               files_unavailable = (select count(*) from ops.backup_run_files as f where f.run_id = r.id and f.state = 'unavailable'),
               advance_lsn = ${this.summary.advanceLsn}, manifest_key = ${manifest.key}, manifest_sha256 = ${manifest.sha256},
               peak_memory_bytes = ${Math.round(peakMemory)},
               stored_bytes = (select coalesce(sum(a.bytes), 0) from ops.backup_artefacts as a where a.state = 'stored')
         where r.id = ${runId}`
      await tx`delete from ops.backup_run_files where run_id = ${runId}`
    })
  }
}
