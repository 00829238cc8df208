// The manifest of a run: JSON lines, encrypted like every artefact. Line 1 describes the run and
// names the previous run's manifest by the SHA-256 of its ciphertext (a chain a restore verifies),
// then one line per artefact, table checksum, sequence and file change, then an end line (so a
// shortened manifest is refused even before age notices).
//
// Bucket layout (keys carry ids only, never names):
//   manifests/<seq, 12 digits>-<run id>.age
//   runs/<seq>-<run id>/db/<n>.age          one table (full copy, COPY text format)
//   runs/<seq>-<run id>/changes.age         the run's changes (incremental, JSON lines)
//   files/<object id>/<version>.age         one version of a Storage object, shared by every run that needs it

export const manifestFormat = 'mandantenportal-backup'
export const manifestVersion = 1

const pad = (seq: number) => String(seq).padStart(12, '0')
const safeVersion = (version: string) => (/^[a-z0-9-]{1,100}$/.test(version) ? version : encodeURIComponent(version).toLowerCase().replace(/[^a-z0-9-]/g, '_').slice(0, 100) || 'none')

export const artefactKeys = {
  manifest: (seq: number, runId: string) => `manifests/${pad(seq)}-${runId}.age`,
  table: (seq: number, runId: string, index: number) => `runs/${pad(seq)}-${runId}/db/${index}.age`,
  changes: (seq: number, runId: string) => `runs/${pad(seq)}-${runId}/changes.age`,
  file: (objectId: string, version: string) => `files/${objectId}/${safeVersion(version)}.age`,
}

/** `manifests/000000000042-<id>.age` → 42 (null for anything else). */
export function manifestSeq(key: string): number | null {
  const match = /^manifests\/(\d{12})-[0-9a-f-]{36}\.age$/.exec(key)
  return match ? Number(match[1]) : null
}

export interface RunHeader {
  type: 'run'
  format: typeof manifestFormat
  version: typeof manifestVersion
  id: string
  seq: number
  kind: 'full' | 'incremental'
  fullReason: string | null
  snapshot: string
  snapshotAt: string
  migrationVersion: string
  schemaFingerprint: string
  baseRunId: string
  previousRunId: string | null
  /** The previous run's manifest (any kind), by key and SHA-256 of its ciphertext. */
  previousManifest: { key: string, sha256: string } | null
}

export interface StoredArtefact { key: string, bytes: number, sha256: string }

export type ManifestEntry
  = | ({ type: 'table', relation: string, columns: string[], types: string[] } & StoredArtefact)
    | ({ type: 'changes', transactions: number, changes: number } & StoredArtefact)
    | { type: 'checksum', relation: string, rows: number, checksum: string }
    | { type: 'sequence', sequence: string, value: string | null, called: boolean }
    | ({ type: 'file', change: 'added', bucket: string, name: string, objectId: string, version: string, size: number, contentSha256: string } & StoredArtefact)
    | { type: 'file', change: 'deleted' | 'unavailable', bucket: string, name: string, objectId: string, version: string }

export interface ManifestEnd { type: 'end', entries: number }

export type ManifestLine = RunHeader | ManifestEntry | ManifestEnd

export class ManifestError extends Error {
  constructor(readonly code: 'manifest_unreadable' | 'manifest_incomplete' | 'manifest_format', message: string) {
    super(message)
  }
}

export interface Manifest { header: RunHeader, entries: ManifestEntry[] }

/** Parses decrypted manifest lines; refuses unknown formats and manifests without their end line. */
export async function parseManifest(lines: AsyncIterable<string>, key: string): Promise<Manifest> {
  let header: RunHeader | undefined
  const entries: ManifestEntry[] = []
  let ended = false
  for await (const line of lines) {
    if (!line) continue
    if (ended) throw new ManifestError('manifest_format', `${key}: lines after the end`)
    let parsed: ManifestLine
    try {
      parsed = JSON.parse(line) as ManifestLine
    }
    catch {
      throw new ManifestError('manifest_format', `${key}: a line is not JSON`)
    }
    if (!header) {
      if (parsed.type !== 'run' || parsed.format !== manifestFormat || parsed.version !== manifestVersion) {
        throw new ManifestError('manifest_format', `${key}: not a ${manifestFormat} manifest of version ${manifestVersion}`)
      }
      header = parsed
    }
    else if (parsed.type === 'end') {
      if (parsed.entries !== entries.length) throw new ManifestError('manifest_incomplete', `${key}: ${entries.length} entries, the end line says ${parsed.entries}`)
      ended = true
    }
    else if (parsed.type === 'run') {
      throw new ManifestError('manifest_format', `${key}: a second run line`)
    }
    else {
      entries.push(parsed)
    }
  }
  if (!header || !ended) throw new ManifestError('manifest_incomplete', `${key}: the manifest ends early`)
  return { header, entries }
}
