// Restores one point (any successful run) from the bucket into an empty instance: verifies the
// manifest chain back to the point's full copy, rebuilds the schema from the migrations the
// backup itself carries, loads the full copy and replays the incrementals in one transaction
// (rolled back if anything does not verify: every table's checksum must equal the source's at
// that point), then writes every file of that point into the Storage folder, each checked by
// SHA-256. Runs outside the edge runtime (make restore), with the private key.
import { createHash } from 'node:crypto'
import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import { Writable } from 'node:stream'
import type postgres from 'postgres'
import type { Change } from '../changes.ts'
import { decryptStream, meter, readLines } from '../encryption.ts'
import { type Manifest, ManifestError, manifestSeq, parseManifest, type RunHeader } from '../manifest.ts'
import type { S3Client } from '../s3.ts'

export class RestoreError extends Error {
  constructor(readonly code: string, message: string) {
    super(message)
  }
}

export interface RestoreOptions {
  s3: S3Client
  identity: string
  /** `latest`, a run's seq, a run's id, or an ISO time (the newest point at or before it). */
  at: string
  /** Superuser connection of the empty target (devstack: supabase_admin). */
  sql: postgres.Sql
  /** Folder with one folder per bucket: <dir>/<bucket>/<name>/<version> (storage-api's file backend). */
  storageDir: string
  /** SHA-256 of the point's manifest ciphertext as recorded elsewhere (Verwaltung): the trust anchor. */
  expectManifest?: string
  log?: (line: string) => void
}

export interface RestoreReport {
  point: { seq: number, id: string, kind: string, snapshotAt: string, migrationVersion: string, manifestSha256: string }
  chain: Array<{ seq: number, kind: string, manifestSha256: string }>
  tables: Array<{ relation: string, rows: number, checksum: string }>
  /** Tables, columns and sequences no migration creates, made from the backup's names and types. */
  outsideMigrations: string[]
  files: Array<{ bucket: string, name: string, objectId: string, version: string, bytes: number, sha256: string }>
  missingFiles: Array<{ bucket: string, name: string, objectId: string, version: string }>
}

interface LoadedManifest extends Manifest { key: string, sha256: string }

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

/** Decrypts bytes; a wrong key, a forged or a damaged file all end here. */
async function decryptBytes(identity: string, bytes: Uint8Array, what: string): Promise<ReadableStream<Uint8Array>> {
  try {
    return await decryptStream(identity, new Blob([bytes as Uint8Array<ArrayBuffer>]).stream())
  }
  catch (error) {
    throw new RestoreError('artefact_unreadable', `${what} cannot be decrypted with this key (wrong key, or the object was changed): ${error instanceof Error ? error.message : error}`)
  }
}

export async function loadManifest(s3: S3Client, identity: string, key: string, expectedSha256?: string): Promise<LoadedManifest> {
  const ciphertext = await readAll(await s3.download(key))
  const sha256 = sha256Hex(ciphertext)
  if (expectedSha256 && sha256 !== expectedSha256) {
    throw new RestoreError('manifest_chain_broken', `${key} has SHA-256 ${sha256}, the next manifest expects ${expectedSha256}: it was changed or replaced`)
  }
  try {
    const manifest = await parseManifest(readLines(await decryptBytes(identity, ciphertext, key)), key)
    return { ...manifest, key, sha256 }
  }
  catch (error) {
    if (error instanceof RestoreError) throw new RestoreError('manifest_unreadable', error.message)
    if (error instanceof ManifestError) throw new RestoreError(error.code, error.message)
    throw new RestoreError('manifest_unreadable', `${key}: ${error instanceof Error ? error.message : error}`)
  }
}

/** The manifests in the bucket, oldest first (by the run number in their key). */
export async function manifestKeys(s3: S3Client): Promise<Array<{ key: string, seq: number }>> {
  const keys = (await s3.list('manifests/')).flatMap((object) => {
    const seq = manifestSeq(object.key)
    return seq === null ? [] : [{ key: object.key, seq }]
  })
  return keys.sort((a, b) => a.seq - b.seq)
}

/** Finds the point and its chain back to the full copy, verifying every link's hash. */
export async function resolveChain(s3: S3Client, identity: string, at: string, expectManifest?: string): Promise<LoadedManifest[]> {
  const keys = await manifestKeys(s3)
  if (keys.length === 0) throw new RestoreError('no_backups', 'The bucket holds no manifests')
  let point: LoadedManifest | undefined
  if (at === 'latest') point = await loadManifest(s3, identity, keys.at(-1)!.key)
  else if (/^\d+$/.test(at)) {
    const entry = keys.find(candidate => candidate.seq === Number(at))
    if (!entry) throw new RestoreError('point_not_found', `No run #${at} in the bucket (runs: ${keys.map(key => key.seq).join(', ')})`)
    point = await loadManifest(s3, identity, entry.key)
  }
  else if (/^[0-9a-f-]{36}$/.test(at)) {
    const entry = keys.find(candidate => candidate.key.includes(at))
    if (!entry) throw new RestoreError('point_not_found', `No run ${at} in the bucket`)
    point = await loadManifest(s3, identity, entry.key)
  }
  else {
    const time = Date.parse(at)
    if (Number.isNaN(time)) throw new RestoreError('point_not_found', `--at takes latest, a run number, a run id or a time, not "${at}"`)
    for (const entry of [...keys].reverse()) {
      const candidate = await loadManifest(s3, identity, entry.key)
      if (Date.parse(candidate.header.snapshotAt) <= time) {
        point = candidate
        break
      }
    }
    if (!point) throw new RestoreError('point_not_found', `No run took its snapshot at or before ${at}`)
  }
  if (expectManifest && point.sha256 !== expectManifest) {
    throw new RestoreError('manifest_untrusted', `The manifest of run #${point.header.seq} has SHA-256 ${point.sha256}, not the expected ${expectManifest}`)
  }
  const chain = [point]
  let current = point
  while (current.header.kind !== 'full') {
    const previous = current.header.previousManifest
    if (!previous) throw new RestoreError('manifest_chain_broken', `Run #${current.header.seq} names no previous manifest`)
    const loaded = await loadManifest(s3, identity, previous.key, previous.sha256)
    if (loaded.header.id !== current.header.previousRunId || loaded.header.baseRunId !== current.header.baseRunId) {
      throw new RestoreError('manifest_chain_broken', `${previous.key} is not the run #${current.header.seq} builds on`)
    }
    chain.unshift(loaded)
    current = loaded
  }
  if (current.header.baseRunId !== current.header.id) throw new RestoreError('manifest_chain_broken', `Run #${current.header.seq} is a full copy of another chain`)
  return chain
}

/** Downloads one artefact, decrypts it, and checks its ciphertext SHA-256 once the consumer finished. */
async function openArtefact(s3: S3Client, identity: string, entry: { key: string, bytes: number, sha256: string }) {
  const cipher = meter()
  const body = (await s3.download(entry.key)).pipeThrough(cipher.stream)
  let plaintext: ReadableStream<Uint8Array>
  try {
    plaintext = await decryptStream(identity, body)
  }
  catch (error) {
    throw new RestoreError('artefact_unreadable', `${entry.key} cannot be decrypted: ${error instanceof Error ? error.message : error}`)
  }
  // age authenticates every 64 KiB chunk: a changed byte fails its chunk, a cut file its end.
  const reader = plaintext.getReader()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: ReadableStreamReadResult<Uint8Array>
      try {
        next = await reader.read()
      }
      catch (error) {
        return controller.error(new RestoreError('artefact_unreadable', `${entry.key} was changed or cut: ${error instanceof Error ? error.message : error}`))
      }
      if (!next.done) return controller.enqueue(next.value)
      const { bytes, sha256 } = cipher.result()
      if (sha256 !== entry.sha256 || bytes !== entry.bytes) {
        return controller.error(new RestoreError('artefact_checksum_mismatch', `${entry.key}: SHA-256 ${sha256} (${bytes} bytes), the manifest says ${entry.sha256} (${entry.bytes} bytes)`))
      }
      controller.close()
    },
    cancel: reason => reader.cancel(reason),
  })
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`

// `fixed`: an identity column GENERATED ALWAYS; an update may only set it to DEFAULT, and the
// source's updates never change it, so an update leaves it out (an insert overrides it).
interface ColumnInfo { type: string, generated: boolean, fixed: boolean }

async function targetColumns(tx: postgres.TransactionSql, relation: string): Promise<{ columns: Map<string, ColumnInfo>, key: string[] }> {
  const columns = await tx<Array<{ name: string, type: string, generated: boolean, fixed: boolean }>>`
    select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attgenerated <> '' as generated, a.attidentity = 'a' as fixed
      from pg_catalog.pg_attribute as a where a.attrelid = ${relation}::regclass and a.attnum > 0 and not a.attisdropped`
  const key = await tx<Array<{ name: string }>>`
    select a.attname as name from pg_catalog.pg_index as i
      join pg_catalog.pg_attribute as a on a.attrelid = i.indrelid and a.attnum = any (i.indkey)
     where i.indrelid = ${relation}::regclass and i.indisprimary`
  return { columns: new Map(columns.map(column => [column.name, { type: column.type, generated: column.generated, fixed: column.fixed }])), key: key.map(column => column.name) }
}

/** Applies one run's changes in commit order; consecutive inserts or deletes of a table go in one statement. */
async function applyChanges(tx: postgres.TransactionSql, changes: AsyncIterable<Change>, log: (line: string) => void): Promise<number> {
  const catalog = new Map<string, Awaited<ReturnType<typeof targetColumns>>>()
  const info = async (relation: string) => {
    if (!catalog.has(relation)) catalog.set(relation, await targetColumns(tx, relation))
    return catalog.get(relation)!
  }
  const cast = (columns: Map<string, ColumnInfo>, name: string, source: string) => {
    const column = columns.get(name)
    if (!column) throw new RestoreError('restore_change_failed', `column ${name} does not exist in the target`)
    return `(${source}->>${`'${name.replaceAll('\'', '\'\'')}'`})::${column.type}`
  }
  let batch: Change[] = []
  let applied = 0
  const flush = async () => {
    if (batch.length === 0) return
    const first = batch[0]!
    const { columns } = await info(first.relation)
    try {
      if (first.action === 'I') {
        const names = Object.keys(first.columns!).filter(name => !columns.get(name)?.generated)
        await tx.unsafe(`insert into ${first.relation} (${names.map(quote).join(', ')}) overriding system value
          select ${names.map(name => cast(columns, name, 'e')).join(', ')} from jsonb_array_elements($1::text::jsonb) as e`, [JSON.stringify(batch.map(change => change.columns))])
      }
      else if (first.action === 'D') {
        const keys = Object.keys(first.key!)
        const result = await tx.unsafe(`delete from ${first.relation} as t using jsonb_array_elements($1::text::jsonb) as e
          where ${keys.map(name => `t.${quote(name)} = ${cast(columns, name, 'e')}`).join(' and ')}`, [JSON.stringify(batch.map(change => change.key))])
        if (result.count !== batch.length) throw new RestoreError('restore_change_failed', `${first.relation}: ${batch.length} deletes found ${result.count} rows`)
      }
      else if (first.action === 'U') {
        const names = Object.keys(first.columns!).filter(name => !columns.get(name)?.generated && !columns.get(name)?.fixed)
        const keys = Object.keys(first.key!)
        const result = await tx.unsafe(`update ${first.relation} as t set ${names.map(name => `${quote(name)} = ${cast(columns, name, '$1::text::jsonb')}`).join(', ')}
          where ${keys.map(name => `t.${quote(name)} = ${cast(columns, name, '$2::text::jsonb')}`).join(' and ')}`, [JSON.stringify(first.columns), JSON.stringify(first.key)])
        if (result.count !== 1) throw new RestoreError('restore_change_failed', `${first.relation}: an update found ${result.count} rows`)
      }
      else {
        await tx.unsafe(`truncate ${first.relation}`)
      }
    }
    catch (error) {
      if (error instanceof RestoreError) throw error
      throw new RestoreError('restore_change_failed', `${first.relation} (${first.action}): ${error instanceof Error ? error.message : error}`)
    }
    applied += batch.length
    batch = []
  }
  for await (const change of changes) {
    const first = batch[0]
    const joins = first && first.relation === change.relation && first.action === change.action && (change.action === 'I' || change.action === 'D')
      && Object.keys(first.columns ?? first.key ?? {}).join() === Object.keys(change.columns ?? change.key ?? {}).join() && batch.length < 500
    if (!joins) await flush()
    batch.push(change)
  }
  await flush()
  log(`  ${applied} changes applied`)
  return applied
}

async function* parseChanges(lines: AsyncIterable<string>): AsyncGenerator<Change> {
  for await (const line of lines) if (line) yield JSON.parse(line) as Change
}

async function assertEmptyTarget(sql: postgres.Sql): Promise<void> {
  const [state] = await sql<Array<{ tables: number, migrations: number, superuser: boolean }>>`
    select (select count(*)::int from pg_catalog.pg_tables where schemaname = 'public') as tables,
           (select count(*)::int from pg_catalog.pg_tables where schemaname = 'supabase_migrations' and tablename = 'schema_migrations') as migrations,
           (select rolsuper from pg_catalog.pg_roles where rolname = current_user) as superuser`
  if (!state!.superuser) throw new RestoreError('target_not_superuser', 'Connect as the instance\'s superuser (devstack and self-hosted: supabase_admin)')
  if (state!.tables > 0 || state!.migrations > 0) {
    throw new RestoreError('target_not_empty', 'The target already has portal tables or migrations; restore only into an empty instance')
  }
}

/** The schema exactly as the source had it: the migrations recorded in the backup, run as postgres. */
async function applyMigrations(sql: postgres.Sql, full: LoadedManifest, options: RestoreOptions): Promise<void> {
  const entry = full.entries.find(candidate => candidate.type === 'table' && candidate.relation === 'supabase_migrations.schema_migrations')
  if (!entry || entry.type !== 'table') throw new RestoreError('manifest_format', 'The full copy has no supabase_migrations.schema_migrations')
  await sql.begin(async (tx) => {
    await tx`create schema if not exists supabase_migrations`
    await tx.unsafe(`create table if not exists supabase_migrations.schema_migrations (${entry.columns.map((name, index) => `${quote(name)} ${entry.types[index]}`).join(', ')}, primary key (version))`)
    const input = await tx.unsafe(`copy supabase_migrations.schema_migrations (${entry.columns.map(quote).join(', ')}) from stdin`).writable()
    await (await openArtefact(options.s3, options.identity, entry)).pipeTo(Writable.toWeb(input))
  })
  const migrations = await sql<Array<{ version: string, statements: string | null }>>`
    select version, array_to_json(statements)::text as statements from supabase_migrations.schema_migrations order by version`
  for (const migration of migrations) {
    const statements = JSON.parse(migration.statements ?? '[]') as string[]
    await sql.begin(async (tx) => {
      await tx`set local role postgres`
      for (const statement of statements) await tx.unsafe(statement).simple()
    })
  }
  options.log?.(`Schema: ${migrations.length} migrations applied (up to ${full.header.migrationVersion})`)
}

/**
 * What the backup holds but no migration creates (a table made by hand on the server, a test's
 * fixture): made from the manifest's names and types so that no row is lost, and locked (row level
 * security on, no policies, nothing granted to the API roles) until a migration gives it back its
 * constraints, policies and grants.
 */
async function recreateOutsideMigrations(sql: postgres.Sql, full: LoadedManifest, point: LoadedManifest): Promise<string[]> {
  const created: string[] = []
  const statements: string[] = []
  try {
    await sql.begin(async (tx) => {
      const exists = async (relation: string) => (await tx<Array<{ found: boolean }>>`select to_regclass(${relation}) is not null as found`)[0]!.found
      for (const entry of full.entries) {
        if (entry.type !== 'table') continue
        const definitions = entry.columns.map((name, index) => `${quote(name)} ${entry.types[index]}`)
        if (!(await exists(entry.relation))) {
          statements.push(`create table ${entry.relation} (${definitions.join(', ')})`,
            `alter table ${entry.relation} enable row level security`,
            `revoke all on ${entry.relation} from public, anon, authenticated`)
          created.push(entry.relation)
          continue
        }
        const { columns } = await targetColumns(tx, entry.relation)
        const missing = entry.columns.flatMap((name, index) => (columns.has(name) ? [] : [{ name, definition: definitions[index]! }]))
        if (missing.length === 0) continue
        statements.push(`alter table ${entry.relation} ${missing.map(column => `add column ${column.definition}`).join(', ')}`)
        created.push(...missing.map(column => `${entry.relation}.${quote(column.name)}`))
      }
      for (const entry of point.entries) {
        if (entry.type !== 'sequence' || (await exists(entry.sequence))) continue
        statements.push(`create sequence ${entry.sequence}`, `revoke all on sequence ${entry.sequence} from public, anon, authenticated`)
        created.push(entry.sequence)
      }
      // Owned by postgres, like everything the migrations create.
      await tx`set local role postgres`
      for (const statement of statements) await tx.unsafe(statement)
    })
  }
  catch (error) {
    throw new RestoreError('restore_schema_failed', `What the backup holds outside the migrations cannot be created: ${error instanceof Error ? error.message : error}`)
  }
  return created
}

async function restoreDatabase(sql: postgres.Sql, chain: LoadedManifest[], options: RestoreOptions): Promise<Pick<RestoreReport, 'tables' | 'outsideMigrations'>> {
  const log = options.log ?? (() => {})
  const [full, ...incrementals] = chain as [LoadedManifest, ...LoadedManifest[]]
  const point = chain.at(-1)!
  await applyMigrations(sql, full, options)
  const outsideMigrations = await recreateOutsideMigrations(sql, full, point)
  if (outsideMigrations.length > 0) log(`Not created by any migration, made from the backup (RLS on, no policies, no grants): ${outsideMigrations.join(', ')}`)
  const tables = await sql.begin(async (tx) => {
    // No triggers (mails, broadcasts, audit rules) and no foreign-key checks while the data arrives.
    await tx`set local session_replication_role = replica`
    const copies = full.entries.flatMap(entry => (entry.type === 'table' && entry.relation !== 'supabase_migrations.schema_migrations' ? [entry] : []))
    // What the migrations inserted (buckets, settings) makes way for the backup's rows; cascade
    // reaches only ops.backup_* (empty here), whose foreign keys point into the restored tables.
    await tx.unsafe(`truncate ${copies.map(table => table.relation).join(', ')} cascade`)
    for (const table of copies) {
      const input = await tx.unsafe(`copy ${table.relation} (${table.columns.map(quote).join(', ')}) from stdin`).writable()
      await (await openArtefact(options.s3, options.identity, table)).pipeTo(Writable.toWeb(input))
    }
    log(`Full copy #${full.header.seq}: ${copies.length} tables loaded`)
    for (const run of incrementals) {
      const changes = run.entries.find(entry => entry.type === 'changes')
      log(`Incremental #${run.header.seq}:`)
      if (changes?.type === 'changes') await applyChanges(tx, parseChanges(readLines(await openArtefact(options.s3, options.identity, changes))), log)
    }
    await restoreSequences(tx, point)
    const report: RestoreReport['tables'] = []
    const mismatches: string[] = []
    for (const entry of point.entries) {
      if (entry.type !== 'checksum') continue
      const [row] = await tx<Array<{ row_count: string, checksum: string }>>`
        select row_count::text, checksum from private.backup_table_checksum(${entry.relation}::regclass)`
      report.push({ relation: entry.relation, rows: Number(row!.row_count), checksum: row!.checksum })
      if (row!.checksum !== entry.checksum || Number(row!.row_count) !== entry.rows) {
        mismatches.push(`${entry.relation}: ${row!.row_count} rows (${row!.checksum}), the source had ${entry.rows} (${entry.checksum})`)
      }
    }
    if (mismatches.length > 0) throw new RestoreError('restore_checksum_mismatch', `Restored tables differ from the source at run #${point.header.seq}; nothing was kept:\n  ${mismatches.join('\n  ')}`)
    return report
  })
  return { tables, outsideMigrations }
}

/** Sequences as recorded, and never behind a column they feed (nextval after a restore never collides). */
async function restoreSequences(tx: postgres.TransactionSql, point: LoadedManifest): Promise<void> {
  for (const entry of point.entries) {
    if (entry.type === 'sequence' && entry.value !== null) await tx`select setval(${entry.sequence}::regclass, ${entry.value}::bigint, ${entry.called})`
  }
  const owned = await tx<Array<{ sequence: string, relation: string, column: string }>>`
    select format('%I.%I', sn.nspname, s.relname) as sequence, format('%I.%I', tn.nspname, t.relname) as relation, a.attname as column
      from pg_catalog.pg_class as s
      join pg_catalog.pg_namespace as sn on sn.oid = s.relnamespace
      join pg_catalog.pg_depend as d on d.objid = s.oid and d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')
      join pg_catalog.pg_class as t on t.oid = d.refobjid
      join pg_catalog.pg_namespace as tn on tn.oid = t.relnamespace
      join pg_catalog.pg_attribute as a on a.attrelid = t.oid and a.attnum = d.refobjsubid
     where s.relkind = 'S'`
  const restored = new Set(point.entries.flatMap(entry => (entry.type === 'checksum' ? [entry.relation] : [])))
  for (const row of owned) {
    if (!restored.has(row.relation)) continue
    await tx.unsafe(`select setval('${row.sequence.replaceAll('\'', '\'\'')}'::regclass, greatest(m, (select last_value from ${row.sequence})))
      from (select max(${quote(row.column)})::bigint as m from ${row.relation}) as x where m is not null`)
  }
}

interface FileEntry { bucket: string, name: string, objectId: string, version: string, size: number, contentSha256: string, key: string, bytes: number, sha256: string }

/** The files live at the point: the full copy's list, then each incremental's additions and deletions. */
export function filesAtPoint(chain: Manifest[]): { files: FileEntry[], missing: RestoreReport['missingFiles'] } {
  const live = new Map<string, FileEntry | { missing: true, bucket: string, name: string, objectId: string, version: string }>()
  for (const manifest of chain) {
    for (const entry of manifest.entries) {
      if (entry.type !== 'file') continue
      const id = `${entry.objectId}/${entry.version}`
      if (entry.change === 'deleted') live.delete(id)
      else if (entry.change === 'added') live.set(id, entry)
      else live.set(id, { missing: true, bucket: entry.bucket, name: entry.name, objectId: entry.objectId, version: entry.version })
    }
  }
  const files: FileEntry[] = []
  const missing: RestoreReport['missingFiles'] = []
  for (const entry of live.values()) {
    if ('missing' in entry) missing.push({ bucket: entry.bucket, name: entry.name, objectId: entry.objectId, version: entry.version })
    else files.push(entry)
  }
  return { files, missing }
}

function filePath(storageDir: string, file: { bucket: string, name: string, version: string }): string {
  const bucketDir = resolve(storageDir, file.bucket)
  const path = resolve(bucketDir, `./${file.name}`, file.version)
  if (!path.startsWith(bucketDir + sep) || file.bucket.includes('/') || file.bucket.startsWith('.')) {
    throw new RestoreError('manifest_format', `an object name leaves its bucket folder: ${file.bucket}/${file.name}`)
  }
  return path
}

async function restoreFiles(options: RestoreOptions, files: FileEntry[]): Promise<RestoreReport['files']> {
  const restored: RestoreReport['files'] = []
  for (const file of files) {
    const path = filePath(options.storageDir, file)
    await mkdir(dirname(path), { recursive: true })
    const temp = join(dirname(path), `.restore-${crypto.randomUUID()}`)
    const plain = meter()
    try {
      const out = await Deno.open(temp, { write: true, createNew: true })
      await (await openArtefact(options.s3, options.identity, file)).pipeThrough(plain.stream).pipeTo(out.writable)
      const { bytes, sha256 } = plain.result()
      if (sha256 !== file.contentSha256 || bytes !== file.size) {
        throw new RestoreError('file_checksum_mismatch', `${file.bucket}/${file.name}: SHA-256 ${sha256}, the manifest says ${file.contentSha256}`)
      }
      await rename(temp, path)
    }
    finally {
      await rm(temp, { force: true })
    }
    restored.push({ bucket: file.bucket, name: file.name, objectId: file.objectId, version: file.version, bytes: file.size, sha256: file.contentSha256 })
  }
  return restored
}

export async function restore(options: RestoreOptions): Promise<RestoreReport> {
  const log = options.log ?? (() => {})
  // The bucket first: a broken chain stops the restore before the target is touched.
  const chain = await resolveChain(options.s3, options.identity, options.at, options.expectManifest)
  await assertEmptyTarget(options.sql)
  const point = chain.at(-1)!
  const header: RunHeader = point.header
  log(`Point: run #${header.seq} (${header.kind}, snapshot ${header.snapshotAt}); chain of ${chain.length} manifest(s) from full copy #${chain[0]!.header.seq}, every link verified`)
  const { tables, outsideMigrations } = await restoreDatabase(options.sql, chain, options)
  const { files, missing } = filesAtPoint(chain)
  const restoredFiles = await restoreFiles(options, files)
  // Every object row of the restored database must have its file (or be named as missing).
  const known = new Set([...files, ...missing].map(file => `${file.objectId}/${file.version}`))
  const rows = await options.sql<Array<{ id: string, version: string, bucket_id: string, name: string }>>`
    select id, coalesce(version, '') as version, bucket_id, name from storage.objects`
  for (const row of rows) {
    if (!known.has(`${row.id}/${row.version}`)) missing.push({ bucket: row.bucket_id, name: row.name, objectId: row.id, version: row.version })
  }
  return {
    point: { seq: header.seq, id: header.id, kind: header.kind, snapshotAt: header.snapshotAt, migrationVersion: header.migrationVersion, manifestSha256: point.sha256 },
    chain: chain.map(manifest => ({ seq: manifest.header.seq, kind: manifest.header.kind, manifestSha256: manifest.sha256 })),
    tables,
    outsideMigrations,
    files: restoredFiles,
    missingFiles: missing,
  }
}
