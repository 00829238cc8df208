// Backup benchmark: a database of 1,000,000 messages and 1 GB of documents, backed up by the real
// backup function (private.request_backup → net.http_post → function) to a local S3 server
// (s3rver) with a real age key: the full copy, then an incremental holding another 1 GB of new
// documents and a day's worth of message changes, then a restore of that point into an empty
// instance (the RTO). Measured: seconds, throughput, the share of the 2-hour window, and the peak
// memory of the function's worker process (the edge runtime allows 256 MB and 400 s).
// Runs its own devstack instances (ports + 4100, the restore + 4500), stopped and deleted after.
//
//   make bench-backup (node bench/backup/run.ts)   writes bench/results/backup.json (about 6 minutes)
//   node bench/backup/run.ts --smoke [--instance test]
//     a handful of rows and files, on the running instance given (make test) or its own; asserts
//     only that the restored point lost nothing (the restore checks every table and file itself)
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { dbUrl, type DevstackConfig, loadConfig } from '../../devstack/src/config.ts'
import { deleteInstanceData } from '../../devstack/src/db/cluster.ts'
import { runningApi, stopApi } from '../../devstack/src/lifecycle.ts'
import { startS3Server } from '../../scripts/s3-server.ts'
import { backupKeys, backUpToEnd, backupWorkerPid, configureBackups, restoreInto, type RunRow, unconfigureBackups } from '../../tests/helpers/backup.ts'
import { runStreaming } from '../../tests/helpers/command.ts'

interface Sizes {
  /** Documents before the full copy, and again before the incremental. */
  documents: number
  documentBytes: number
  messages: number
  /** Message changes between the two points. */
  newMessages: number
  editedMessages: number
  deletedMessages: number
}

const fullSizes: Sizes = { documents: 200, documentBytes: 5 * 1024 * 1024, messages: 1_000_000, newMessages: 10_000, editedMessages: 1000, deletedMessages: 1000 }
const smokeSizes: Sizes = { documents: 3, documentBytes: 64 * 1024, messages: 500, newMessages: 50, editedMessages: 5, deletedMessages: 5 }
const windowSeconds = 2 * 60 * 60

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false }, instance: { type: 'string' } } })
const sizes = values.smoke ? smokeSizes : fullSizes
const ownInstance = !values.instance
const baseOffset = Number(process.env.DEVSTACK_PORT_OFFSET || 0)
const env = ownInstance
  ? { ...process.env, DEVSTACK_INSTANCE: 'bench-backup', DEVSTACK_PORT_OFFSET: String(baseOffset + 4100) }
  : { ...process.env, DEVSTACK_INSTANCE: values.instance }
const config = loadConfig(env)
// Odd hundreds: other checkouts' instances sit at even ones (offsets in steps of 200, test + 1000).
const restoreOffset = ownInstance ? 4500 : 1500
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits
const mib = (bytes: number) => round(bytes / 1024 / 1024)

async function devstack(command: string): Promise<void> {
  const { code, output } = await runStreaming(process.execPath, [join(config.root, 'devstack/src/cli.ts'), command], { env, quiet: true })
  if (code !== 0) throw new Error(`devstack ${command} failed:\n${output}`)
}

/** The largest resident size of the backup function's worker, sampled every 200 ms while `work` runs. */
async function withPeakMemory<T>(work: () => Promise<T>): Promise<{ result: T, peakRssBytes: number }> {
  let peakRssBytes = 0
  const sample = () => {
    const pid = backupWorkerPid(config)
    if (!pid) return
    try {
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024
      peakRssBytes = Math.max(peakRssBytes, rss)
    }
    catch {
      // the worker ended meanwhile
    }
  }
  const timer = setInterval(sample, 200)
  try {
    return { result: await work(), peakRssBytes }
  }
  finally {
    clearInterval(timer)
  }
}

/** Messages in one conversation of the seed, written with triggers off (no notifications, mails or broadcasts: only rows). */
async function addMessages(sql: postgres.Sql, count: number): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`
    await tx`
      insert into public.messages (conversation_id, author_id, body, created_at)
      select c.id, c.created_by,
             'Sehr geehrte Frau Weber, anbei wie besprochen die Unterlagen zum Termin ' || g || '. ' || repeat(md5(g::text), 3),
             now() - make_interval(secs => ${count} - g)
        from generate_series(1, ${count}) as g,
             (select id, created_by from public.conversations where created_by is not null order by created_at, id limit 1) as c`
  })
}

async function changeMessages(sql: postgres.Sql): Promise<void> {
  await addMessages(sql, sizes.newMessages)
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`
    await tx`update public.messages set body = body || ' (ergänzt)', edited_at = now()
              where id in (select id from public.messages order by created_at limit ${sizes.editedMessages})`
    await tx`delete from public.messages where id in (select id from public.messages order by created_at desc limit ${sizes.deletedMessages})`
  })
}

/** Documents of one matter: the row, then the file through the Storage API (4 at a time), as an upload would. */
async function addDocuments(sql: postgres.Sql, count: number): Promise<number> {
  const [matter] = await sql<Array<{ id: string }>>`select id from public.matters order by created_at, id limit 1`
  if (!matter) throw new Error('the instance has no matter (is the seed loaded?)')
  let next = 0
  const upload = async () => {
    while (next < count) {
      next++
      const bytes = randomBytes(sizes.documentBytes)
      const name = `Akte ${randomUUID().slice(0, 8)}.pdf`
      const [document] = await sql<Array<{ path: string }>>`
        insert into public.documents (matter_id, name, size_bytes, mime_type, sha256, uploaded_at)
        values (${matter.id}, ${name}, ${bytes.length}, 'application/pdf', encode(sha256(${bytes}), 'hex'), now())
        returning storage_path as path`
      const response = await fetch(`${config.apiUrl}/storage/v1/object/documents/${document!.path.split('/').map(encodeURIComponent).join('/')}`, {
        method: 'POST',
        headers: { 'Authorization': `Bearer ${config.serviceRoleKey}`, 'apikey': config.serviceRoleKey, 'Content-Type': 'application/pdf' },
        body: bytes,
      })
      if (!response.ok) throw new Error(`upload failed: ${response.status} ${await response.text()}`)
      await response.body?.cancel()
    }
  }
  await Promise.all(Array.from({ length: 4 }, upload))
  return count * sizes.documentBytes
}

function summary(runs: RunRow[], peakRssBytes: number, documentBytes: number) {
  const last = runs.at(-1)!
  if (last.status !== 'succeeded') throw new Error(`backup run ${last.seq} ended ${last.status} (${last.error_code}: ${last.error_message})`)
  const seconds = runs.reduce((sum, run) => sum + (run.seconds ?? 0), 0)
  const bytes = runs.reduce((sum, run) => sum + run.bytes, 0)
  return {
    kind: last.kind,
    runs: runs.length,
    seconds: round(seconds),
    storedMiB: mib(bytes),
    throughputMiBPerSecond: round(bytes / 1024 / 1024 / seconds),
    newDocumentsMiB: mib(documentBytes),
    databaseChanges: last.db_changes,
    filesAdded: runs.reduce((sum, run) => sum + (run.files_added ?? 0), 0),
    shareOfTwoHourWindow: round(seconds / windowSeconds, 4),
    // What the edge runtime's limit counts, as the function measured it; and the whole process.
    peakMemoryMiB: mib(Math.max(...runs.map(run => run.peak_memory_bytes ?? 0))),
    peakResidentMiB: mib(peakRssBytes),
  }
}

async function main(): Promise<void> {
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: round(totalmem() / 1024 ** 3), loadAverage1m: round(loadavg()[0] ?? 0), node: process.version }
  if (ownInstance) {
    console.log(`bench-backup: fresh instance ${config.instance} (ports + ${config.portOffset})`)
    await devstack('db:reset')
    await devstack('api:start')
  }
  else if (!runningApi(config)) throw new Error(`the API of instance ${config.instance} is not running`)
  // The superuser: seeding turns triggers off.
  const sql = postgres(dbUrl(config, 'supabase_admin'), { max: 2, onnotice: () => {} })
  const s3Dir = join(config.dataDir, 'bench-backup-s3')
  const bucket = `bench-${randomUUID().slice(0, 8)}`
  const server = await startS3Server(config.root, s3Dir, { buckets: [bucket] })
  const keys = await backupKeys()
  let restoreConfig: DevstackConfig | undefined
  try {
    await configureBackups(sql, server, bucket, keys)
    let started = Date.now()
    await addMessages(sql, sizes.messages)
    const seededDocuments = await addDocuments(sql, sizes.documents)
    const [seeded] = await sql<Array<{ messages: number, database: number }>>`
      select (select count(*)::int from public.messages) as messages, pg_database_size(current_database())::float8 as database`
    console.log(`seeded ${seeded!.messages} messages and ${sizes.documents} documents (${mib(seededDocuments)} MiB) in ${round((Date.now() - started) / 1000)} s; database ${mib(seeded!.database)} MiB`)

    const full = await withPeakMemory(() => backUpToEnd(sql, 1_800_000))
    const fullFigures = summary(full.result, full.peakRssBytes, seededDocuments)
    console.log('full:', JSON.stringify(fullFigures))

    started = Date.now()
    await changeMessages(sql)
    const newDocuments = await addDocuments(sql, sizes.documents)
    console.log(`changed ${sizes.newMessages + sizes.editedMessages + sizes.deletedMessages} messages, added ${sizes.documents} documents (${mib(newDocuments)} MiB) in ${round((Date.now() - started) / 1000)} s`)
    const incremental = await withPeakMemory(() => backUpToEnd(sql, 1_800_000))
    const incrementalFigures = summary(incremental.result, incremental.peakRssBytes, newDocuments)
    console.log('incremental:', JSON.stringify(incrementalFigures))
    if (incrementalFigures.kind !== 'incremental') throw new Error(`the second point is a ${incrementalFigures.kind}, not an incremental`)

    started = Date.now()
    const restored = await restoreInto(config.root, `${config.instance}-restore`, keys, 'latest', restoreOffset)
    const restoreSeconds = (Date.now() - started) / 1000
    restoreConfig = restored.config
    if (restored.code !== 0 || !restored.report) throw new Error(`the restore failed:\n${restored.output.split('\n').slice(-20).join('\n')}`)
    // Lost nothing: the restore refuses any table or file that differs; here the counts on top.
    const [source] = await sql<Array<{ messages: number, objects: number }>>`
      select (select count(*)::int from public.messages) as messages, (select count(*)::int from storage.objects) as objects`
    const restoredMessages = restored.report.tables.find(table => table.relation === 'public.messages')?.rows
    if (restoredMessages !== source!.messages || restored.report.files.length !== source!.objects || restored.report.missingFiles.length > 0) {
      throw new Error(`restored ${restoredMessages} messages and ${restored.report.files.length} files (${restored.report.missingFiles.length} missing); the source has ${source!.messages} and ${source!.objects}`)
    }
    const restoredBytes = restored.report.files.reduce((sum, file) => sum + file.bytes, 0)
    const restoreFigures = {
      point: `full + ${incremental.result.length} incremental run(s)`,
      seconds: round(restoreSeconds),
      tables: restored.report.tables.length,
      messages: restoredMessages,
      files: restored.report.files.length,
      filesMiB: mib(restoredBytes),
      throughputMiBPerSecond: round(restoredBytes / 1024 / 1024 / restoreSeconds),
      rtoTargetSeconds: 3600,
    }
    console.log('restore:', JSON.stringify(restoreFigures))

    const result = {
      generatedAt: new Date().toISOString(),
      machine,
      sizes: { ...sizes, documentsMiB: mib(sizes.documents * sizes.documentBytes), databaseMiB: mib(seeded!.database) },
      full: fullFigures,
      incremental: incrementalFigures,
      incrementalSeconds: incrementalFigures.seconds,
      incrementalTargetSeconds: 60,
      restore: restoreFigures,
      notes: [
        'The function, PostgreSQL, the Storage API, s3rver (the S3 target, on the same disk) and this client share the machine; the figures are a floor for what a dedicated server does.',
        'Run times are the runs\' own (started → finished, continuations added); the restore time includes creating the empty instance and applying the migrations.',
        'peakMemoryMiB is the function\'s own peak of V8 heap + external (ArrayBuffer) memory (Deno.memoryUsage, every 250 ms), what the edge runtime\'s 256 MB limit counts; peakResidentMiB is the Deno worker process\'s resident size sampled from /proc every 200 ms, which also holds the runtime itself and garbage V8 has not yet collected.',
      ],
    }
    const file = values.smoke ? join(config.dataDir, 'bench-backup-smoke.json') : join(config.root, 'bench/results/backup.json')
    mkdirSync(join(file, '..'), { recursive: true })
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`)
    console.log(`written to ${file}`)
  }
  finally {
    await unconfigureBackups(sql).catch(() => {})
    await sql.end()
    await server.stop()
    rmSync(s3Dir, { recursive: true, force: true })
    rmSync(keys.dir, { recursive: true, force: true })
    // The restored instance (and the bench's own) hold gigabytes: gone after the run.
    if (restoreConfig) {
      await stopApi(restoreConfig)
      deleteInstanceData(restoreConfig)
    }
    if (ownInstance) {
      await devstack('stop')
      deleteInstanceData(config)
    }
  }
}

await main()
