// Documents benchmark: files up and down through the Storage API the way the portal moves them
// (create_document_upload → upload to that path with the user's token → complete_document_upload
// → the content check → document_download_url → signed URL), as a ratio to a plain `cp` of the
// same bytes on this disk; the API process's resident memory during the 200 MB uploads (standard
// and resumable: it streams, so it stays flat); and the p95 of the document list (list_documents,
// first page and a page deep in the keyset) of a matter holding 5,000 documents, for staff and
// for the client. Writes bench/results/documents.json.
//
//   make bench-documents (node bench/documents/run.ts)   own instance (ports + 4300), deleted after
//   node bench/documents/run.ts --smoke --instance test   a few small files and 60 documents on the
//     running instance (make test's bench-smoke): asserts only that every byte came back
import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import * as tus from 'tus-js-client'
import { dbUrl, loadConfig } from '../../devstack/src/config.ts'
import { deleteInstanceData } from '../../devstack/src/db/cluster.ts'
import { runningApi } from '../../devstack/src/lifecycle.ts'
import { runStreaming } from '../../tests/helpers/command.ts'
import { percentile } from '../lib/load.ts'

interface Sizes {
  singleBytes: number
  manyFiles: number
  manyBytes: number
  /** Documents of the listed matter, and list requests per case. */
  listDocuments: number
  listRequests: number
}

const fullSizes: Sizes = { singleBytes: 200_000_000, manyFiles: 200, manyBytes: 1_000_000, listDocuments: 5000, listRequests: 300 }
const smokeSizes: Sizes = { singleBytes: 2_000_000, manyFiles: 5, manyBytes: 64_000, listDocuments: 60, listRequests: 5 }
const listTargetMs = 50
/** Files in flight at once, as the app's batch upload sends them. */
const parallelFiles = 3
/** The part size of resumable uploads (what Supabase Storage expects from tus clients). */
const tusChunkBytes = 6 * 1024 * 1024

const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false }, instance: { type: 'string' } } })
const sizes = values.smoke ? smokeSizes : fullSizes
const ownInstance = !values.instance
const env = ownInstance
  ? { DEVSTACK_INSTANCE: 'bench-documents', DEVSTACK_PORT_OFFSET: String(Number(process.env.DEVSTACK_PORT_OFFSET || 0) + 4300) }
  : { DEVSTACK_INSTANCE: values.instance! }
// The portal helpers find their instance through the environment when they are first imported.
Object.assign(process.env, env)
const config = loadConfig(process.env)
const portal = await import('../../tests/helpers/portal.ts')
type PortalUser = Awaited<ReturnType<typeof portal.staffMember>>

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits
const mb = (bytes: number) => bytes / 1_000_000
const mib = (bytes: number) => round(bytes / 1024 / 1024)

async function devstack(command: string): Promise<void> {
  const { code, output } = await runStreaming(process.execPath, [join(config.root, 'devstack/src/cli.ts'), command], { env: { ...process.env, ...env }, quiet: true })
  if (code !== 0) throw new Error(`devstack ${command} failed:\n${output}`)
}

/** The API process's resident size, sampled every 100 ms while `work` runs (it serves Storage). */
async function residentDuring<T>(work: () => Promise<T>): Promise<{ result: T, baselineMiB: number, peakMiB: number }> {
  const pid = runningApi(config)?.pid
  if (!pid) throw new Error(`the API of instance ${config.instance} is not running`)
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024
  const baseline = rss()
  let peak = baseline
  const timer = setInterval(() => {
    peak = Math.max(peak, rss())
  }, 100)
  try {
    return { result: await work(), baselineMiB: mib(baseline), peakMiB: mib(peak) }
  }
  finally {
    clearInterval(timer)
  }
}

/** Seconds `cp` takes for `paths` (one process, the page cache warm, as the uploads' source is). */
function copySeconds(paths: string[], target: string): number {
  mkdirSync(target, { recursive: true })
  const started = performance.now()
  execFileSync('cp', [...paths, target])
  const seconds = (performance.now() - started) / 1000
  rmSync(target, { recursive: true, force: true })
  return seconds
}

interface Prepared { documentId: string, bucket: string, path: string, bytes: Buffer }

async function prepare(user: PortalUser, matterId: string, name: string, bytes: Buffer): Promise<Prepared> {
  const [row] = await portal.call<Array<{ document_id: string, bucket: string, path: string }>>(user.client, 'create_document_upload', {
    matter_id: matterId, file_name: name, size_bytes: bytes.byteLength, mime_type: 'application/pdf', sha256: portal.sha256(bytes),
  })
  return { documentId: row!.document_id, bucket: row!.bucket, path: row!.path, bytes }
}

async function uploadStandard(user: PortalUser, file: Prepared): Promise<void> {
  const { error } = await user.client.storage.from(file.bucket).upload(file.path, file.bytes, { contentType: 'application/pdf' })
  if (error) throw new Error(`upload ${file.path}: ${error.message}`)
}

async function uploadResumable(user: PortalUser, file: Prepared): Promise<void> {
  const token = (await user.client.auth.getSession()).data.session!.access_token
  await new Promise<void>((resolve, reject) => {
    new tus.Upload(file.bytes, {
      endpoint: `${config.apiUrl}/storage/v1/upload/resumable`,
      headers: { authorization: `Bearer ${token}`, apikey: config.anonKey },
      chunkSize: tusChunkBytes,
      retryDelays: [],
      metadata: { bucketName: file.bucket, objectName: file.path, contentType: 'application/pdf' },
      onSuccess: () => resolve(),
      onError: reject,
    }).start()
  })
}

/** Confirms the uploads and waits for their content check (verify-document hashes every byte). */
async function complete(user: PortalUser, files: Prepared[]): Promise<void> {
  for (const file of files) await portal.call(user.client, 'complete_document_upload', { document_id: file.documentId })
  for (const file of files) {
    const outcome = await portal.contentChecked(file.documentId, 300_000)
    if (outcome.content_check !== 'passed') throw new Error(`${file.path}: content check ${outcome.content_check} (${outcome.content_check_reason})`)
  }
}

/** The app's download: the RPC's grant, a signed URL, the bytes hashed as they arrive. */
async function download(user: PortalUser, file: Prepared): Promise<{ seconds: number }> {
  await portal.call(user.client, 'document_download_url', { document_id: file.documentId })
  const started = performance.now()
  const { data, error } = await user.client.storage.from(file.bucket).createSignedUrl(file.path, 120)
  if (error) throw new Error(`sign ${file.path}: ${error.message}`)
  const response = await fetch(data.signedUrl)
  if (!response.ok || !response.body) throw new Error(`download ${file.path}: ${response.status}`)
  const hash = createHash('sha256')
  let bytes = 0
  const reader = response.body.getReader()
  for (let part = await reader.read(); !part.done; part = await reader.read()) {
    hash.update(part.value)
    bytes += part.value.byteLength
  }
  const seconds = (performance.now() - started) / 1000
  if (bytes !== file.bytes.byteLength || hash.digest('hex') !== portal.sha256(file.bytes)) throw new Error(`${file.path}: the download differs from the upload`)
  return { seconds }
}

/** Runs `work` over `items`, `parallel` at a time; returns the wall-clock seconds. */
async function inParallel<T>(items: T[], parallel: number, work: (item: T) => Promise<unknown>): Promise<number> {
  let next = 0
  const started = performance.now()
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < items.length) await work(items[next++]!)
  }))
  return (performance.now() - started) / 1000
}

const pdfBytes = (size: number) => {
  const bytes = randomBytes(size)
  bytes.write('%PDF-1.7\n', 0)
  return bytes
}

const throughput = (bytes: number, seconds: number, cpSeconds: number) => ({
  seconds: round(seconds, 2),
  mbPerSecond: round(mb(bytes) / seconds),
  cpMbPerSecond: round(mb(bytes) / cpSeconds),
  ratioToCp: round(cpSeconds / seconds, 3),
})

async function transfers(staff: PortalUser, matterId: string, scratch: string) {
  // One large file, standard upload and resumable (the app's path for large files).
  const single = pdfBytes(sizes.singleBytes)
  const singleFile = join(scratch, 'single.pdf')
  writeFileSync(singleFile, single)
  const singleCp = copySeconds([singleFile], join(scratch, 'cp-single'))
  const standard = await prepare(staff, matterId, 'Gesamtakte.pdf', single)
  const standardUpload = await residentDuring(async () => {
    const started = performance.now()
    await uploadStandard(staff, standard)
    return (performance.now() - started) / 1000
  })
  const resumable = await prepare(staff, matterId, 'Gesamtakte (fortsetzbar).pdf', single)
  const resumableUpload = await residentDuring(async () => {
    const started = performance.now()
    await uploadResumable(staff, resumable)
    return (performance.now() - started) / 1000
  })
  await complete(staff, [standard, resumable])
  const singleDownload = await residentDuring(() => download(staff, standard))
  await download(staff, resumable)

  // Many small files, a few in flight at once.
  const manyDir = join(scratch, 'many')
  mkdirSync(manyDir, { recursive: true })
  const many: Prepared[] = []
  for (let index = 0; index < sizes.manyFiles; index++) {
    const bytes = pdfBytes(sizes.manyBytes)
    writeFileSync(join(manyDir, `${index}.pdf`), bytes)
    many.push(await prepare(staff, matterId, `Anlage K${index + 1}.pdf`, bytes))
  }
  const manyCp = copySeconds(many.map((_, index) => join(manyDir, `${index}.pdf`)), join(scratch, 'cp-many'))
  const manyUpload = await inParallel(many, parallelFiles, file => uploadStandard(staff, file))
  await complete(staff, many)
  const manyDownload = await inParallel(many, parallelFiles, file => download(staff, file))

  const manyBytes = sizes.manyFiles * sizes.manyBytes
  return {
    single: {
      bytes: sizes.singleBytes,
      upload: { ...throughput(sizes.singleBytes, standardUpload.result, singleCp), apiResidentMiB: { baseline: standardUpload.baselineMiB, peak: standardUpload.peakMiB, growth: round(standardUpload.peakMiB - standardUpload.baselineMiB) } },
      resumableUpload: { ...throughput(sizes.singleBytes, resumableUpload.result, singleCp), chunkMiB: mib(tusChunkBytes), apiResidentMiB: { baseline: resumableUpload.baselineMiB, peak: resumableUpload.peakMiB, growth: round(resumableUpload.peakMiB - resumableUpload.baselineMiB) } },
      download: { ...throughput(sizes.singleBytes, singleDownload.result.seconds, singleCp), apiResidentMiB: { baseline: singleDownload.baselineMiB, peak: singleDownload.peakMiB, growth: round(singleDownload.peakMiB - singleDownload.baselineMiB) } },
    },
    many: {
      files: sizes.manyFiles,
      bytesEach: sizes.manyBytes,
      parallelFiles,
      upload: { ...throughput(manyBytes, manyUpload, manyCp), filesPerSecond: round(sizes.manyFiles / manyUpload) },
      download: { ...throughput(manyBytes, manyDownload, manyCp), filesPerSecond: round(sizes.manyFiles / manyDownload) },
    },
    peakApiResidentGrowthMiB: round(Math.max(standardUpload.peakMiB - standardUpload.baselineMiB, resumableUpload.peakMiB - resumableUpload.baselineMiB)),
  }
}

/**
 * The listed matter's documents, written as the upload RPCs leave them (triggers off: no content
 * checks, mails or broadcasts, only rows): a tenth in folders, every 20th with an older version,
 * a third of the staff's unreleased, some client uploads new for the firm, a few deleted.
 */
async function seedList(sql: postgres.Sql, matterId: string, staffId: string, clientId: string): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`
    await tx`
      insert into public.documents (matter_id, name, size_bytes, mime_type, sha256, uploaded_by, created_at, uploaded_at,
                                    released_at, released_by, deleted_at, deleted_by, folder, content_check)
      select ${matterId}, format('Schriftsatz %s vom %s.pdf', g, to_char(now() - make_interval(hours => g), 'DD.MM.YYYY')),
             50000 + g, 'application/pdf', encode(sha256(g::text::bytea), 'hex'),
             uploader, now() - make_interval(mins => g), now() - make_interval(mins => g),
             case when uploader = ${clientId}::uuid or g % 3 <> 0 then now() - make_interval(mins => g) end,
             case when uploader = ${clientId}::uuid then ${clientId}::uuid when g % 3 <> 0 then ${staffId}::uuid end,
             case when g % 97 = 0 then now() end, case when g % 97 = 0 then ${staffId}::uuid end,
             case when g % 10 = 0 then (array['Korrespondenz', 'Gutachten', 'Rechnungen'])[g % 3 + 1] end,
             'passed'
        from generate_series(1, ${sizes.listDocuments}) as g,
             lateral (select case when g % 7 = 0 then ${clientId}::uuid else ${staffId}::uuid end as uploader) as u`
    // Every 20th document is the second version of the one before it.
    await tx`
      with pairs as (
        select id, lag(id) over (order by created_at) as older, row_number() over (order by created_at) as n
          from public.documents where matter_id = ${matterId} and name like 'Schriftsatz %')
      update public.documents as d set previous_version_id = p.older, version = 2
        from pairs as p where d.id = p.id and p.n % 20 = 0`
  })
  await sql`analyze public.documents`
}

async function listLatency(user: PortalUser, args: Record<string, unknown>) {
  const latencies: number[] = []
  let rows = 0
  for (let index = 0; index < sizes.listRequests; index++) {
    const started = performance.now()
    const page = await portal.call<unknown[]>(user.client, 'list_documents', args)
    latencies.push(performance.now() - started)
    rows = page.length
  }
  latencies.sort((a, b) => a - b)
  return { rows, requests: latencies.length, p50Ms: round(percentile(latencies, 50), 2), p95Ms: round(percentile(latencies, 95), 2), maxMs: round(latencies.at(-1) ?? 0, 2) }
}

async function lists(sql: postgres.Sql, staff: PortalUser, client: PortalUser, matterId: string) {
  await seedList(sql, matterId, staff.id, client.id)
  const [middle] = await sql<Array<{ created_at: Date, id: string }>>`
    select created_at, id from public.documents where matter_id = ${matterId} order by created_at desc, id desc offset ${Math.floor(sizes.listDocuments / 2)} limit 1`
  const deep = { after_created_at: middle!.created_at.toISOString(), after_id: middle!.id }
  const cases = {
    staffFirstPage: await listLatency(staff, { filter_matter: matterId }),
    staffDeepPage: await listLatency(staff, { filter_matter: matterId, ...deep }),
    staffSearch: await listLatency(staff, { filter_matter: matterId, search: 'Schriftsatz 4' }),
    clientFirstPage: await listLatency(client, { filter_matter: matterId }),
    clientDeepPage: await listLatency(client, { filter_matter: matterId, ...deep }),
  }
  for (const [name, figures] of Object.entries(cases)) {
    if (figures.rows === 0) throw new Error(`list ${name}: no rows (the seed is not visible)`)
  }
  return { documents: sizes.listDocuments, cases, listP95Ms: Math.max(...Object.values(cases).map(figures => figures.p95Ms)), listTargetMs }
}

async function main(): Promise<void> {
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: round(totalmem() / 1024 ** 3), loadAverage1m: round(loadavg()[0] ?? 0), node: process.version }
  if (ownInstance) {
    console.log(`bench-documents: fresh instance ${config.instance} (ports + ${config.portOffset})`)
    await devstack('db:reset')
    await devstack('api:start')
  }
  else if (!runningApi(config)) throw new Error(`the API of instance ${config.instance} is not running`)
  const sql = postgres(dbUrl(config, 'supabase_admin'), { max: 2, onnotice: () => {} })
  const scratch = join(config.dataDir, 'bench-documents')
  rmSync(scratch, { recursive: true, force: true })
  mkdirSync(scratch, { recursive: true })
  try {
    const staff = await portal.staffMember('bench-documents-staff')
    const firm = await portal.newClient(staff, 'Mandant Dokumentenlast')
    const client = await portal.clientUser(staff, firm, 'bench-documents-client')
    const newMatter = (title: string) => portal.call<{ id: string }>(staff.client, 'create_matter', { client_id: firm.id, title, reference: `BD-${randomBytes(4).toString('hex')}/26` })
    const transferMatter = await newMatter('Lasttest Übertragung')
    const listMatter = await newMatter('Lasttest Liste')

    const transferFigures = await transfers(staff, transferMatter.id, scratch)
    console.log('transfers:', JSON.stringify(transferFigures))
    const listFigures = await lists(sql, staff, client, listMatter.id)
    console.log('lists:', JSON.stringify(listFigures))

    const result = {
      generatedAt: new Date().toISOString(),
      machine,
      sizes,
      ...transferFigures,
      list: listFigures,
      listP95Ms: listFigures.listP95Ms,
      notes: [
        'Upload seconds are the Storage requests alone (the document row is prepared before and confirmed after); download seconds are signing the URL and reading every byte, hashed as it arrives and compared with the upload.',
        'cp copies the same files (page cache warm, as the uploads read from memory) on the same disk; ratioToCp = cp seconds / Storage seconds.',
        'apiResidentMiB: the devstack API process (which serves Storage), sampled from /proc every 100 ms; growth stays small because bodies stream to disk and back.',
        'The API, PostgreSQL, the verify-document worker and this client share the 2-core machine; the figures are a floor for a dedicated server.',
      ],
    }
    const file = values.smoke ? join(config.dataDir, 'bench-smoke', 'documents.json') : join(config.root, 'bench/results/documents.json')
    mkdirSync(join(file, '..'), { recursive: true })
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`)
    console.log(`written to ${file}`)
  }
  finally {
    await sql.end()
    await portal.closePortal()
    rmSync(scratch, { recursive: true, force: true })
    if (ownInstance) {
      await devstack('stop')
      deleteInstanceData(config)
    }
  }
}

await main()
