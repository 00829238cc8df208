// make restore → node scripts/restore.ts → this: restores one backup point into an empty instance.
//   deno run -A edge-functions/backup/restore/main.ts --target target.json --identity key.txt
//     --db-url postgresql://supabase_admin:…@host:5432/postgres --storage-dir <dir> [--at latest|<run>|<time>]
//     [--expect-manifest <sha256>] [--report report.json] [--list]
// Exit code 0 and a report when every check passed; 1 with `restore failed (<code>): …` otherwise.
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { S3Client } from '../s3.ts'
import { parseTarget } from '../settings.ts'
import { loadManifest, manifestKeys, restore, RestoreError, type RestoreReport } from './restore.ts'

const { values } = parseArgs({
  args: Deno.args,
  options: {
    'target': { type: 'string' },
    'identity': { type: 'string' },
    'at': { type: 'string', default: 'latest' },
    'db-url': { type: 'string' },
    'storage-dir': { type: 'string' },
    'expect-manifest': { type: 'string' },
    'report': { type: 'string' },
    'list': { type: 'boolean', default: false },
  },
})

function fail(code: string, message: string): never {
  console.error(`restore failed (${code}): ${message}`)
  Deno.exit(1)
}

const readText = (path: string) => Deno.readTextFileSync(path)
const targetText = values.target ? (values.target.trim().startsWith('{') ? values.target : readText(values.target)) : Deno.env.get('BACKUP_TARGET') ?? null
const identityFile = values.identity ?? Deno.env.get('BACKUP_IDENTITY_FILE')
if (!targetText) fail('usage', '--target <file with the backup_target JSON> is required')
if (!identityFile) fail('usage', '--identity <file with AGE-SECRET-KEY-1…> is required')
const identity = readText(identityFile).split('\n').map(line => line.trim()).find(line => line.startsWith('AGE-SECRET-KEY-1'))
if (!identity) fail('usage', `${identityFile} holds no AGE-SECRET-KEY-1… line`)
const s3 = new S3Client(parseTarget(targetText))

const bytes = (count: number) => (count >= 1024 * 1024 ? `${(count / 1024 / 1024).toFixed(1)} MiB` : `${(count / 1024).toFixed(1)} KiB`)

try {
  if (values.list) {
    for (const entry of await manifestKeys(s3)) {
      const { header, sha256 } = await loadManifest(s3, identity, entry.key)
      console.log(`#${String(header.seq).padEnd(6)} ${header.kind.padEnd(12)} ${header.snapshotAt}  manifest ${sha256}`)
    }
    Deno.exit(0)
  }
  if (!values['db-url'] || !values['storage-dir']) fail('usage', '--db-url and --storage-dir are required')
  const sql = postgres(values['db-url'], { max: 2, prepare: false, fetch_types: false, onnotice: () => {} })
  let report: RestoreReport
  try {
    report = await restore({
      s3, identity, at: values.at!, sql, storageDir: values['storage-dir'], expectManifest: values['expect-manifest'], log: line => console.log(line),
    })
  }
  finally {
    await sql.end()
  }
  console.log(`\nRestored run #${report.point.seq} (${report.point.kind}, snapshot ${report.point.snapshotAt}, migrations up to ${report.point.migrationVersion})`)
  console.log(`Manifest SHA-256 ${report.point.manifestSha256}`)
  console.log(`\nTables (${report.tables.length}, every checksum equal to the source's):`)
  for (const table of report.tables) console.log(`  ${table.relation.padEnd(48)} ${String(table.rows).padStart(9)} rows  ${table.checksum}`)
  if (report.outsideMigrations.length > 0) {
    console.log(`\nNot created by any migration, made from the backup's names and types with RLS on, no policies and no grants (${report.outsideMigrations.length}):`)
    for (const name of report.outsideMigrations) console.log(`  ${name}`)
  }
  const total = report.files.reduce((sum, file) => sum + file.bytes, 0)
  console.log(`\nFiles (${report.files.length}, ${bytes(total)}, every SHA-256 equal to the source's):`)
  for (const file of report.files) console.log(`  ${file.sha256}  ${String(file.bytes).padStart(10)}  ${file.bucket}/${file.name}`)
  if (report.missingFiles.length > 0) {
    console.log(`\nNot in this point (changed or deleted while the backup ran; in the next point): ${report.missingFiles.length}`)
    for (const file of report.missingFiles) console.log(`  ${file.bucket}/${file.name}`)
  }
  if (values.report) Deno.writeTextFileSync(values.report, JSON.stringify(report, null, 2))
}
catch (error) {
  if (error instanceof RestoreError) fail(error.code, error.message)
  if (error instanceof Error && 'code' in error && typeof error.code === 'string' && /^[a-z_]+$/.test(error.code)) fail(error.code, error.message)
  fail('unexpected_failure', error instanceof Error ? error.stack ?? error.message : String(error))
}
