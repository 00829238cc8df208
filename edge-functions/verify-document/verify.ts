// POST /functions/v1/verify-document {document_ids?} with the service role's key (the database
// asks after an upload completes, and pg_cron every minute for what is still pending): streams
// each pending document from Storage, computes its SHA-256 and sniffs its type, and reports
// through record_document_check, where the database passes or rejects it. Nothing is buffered
// beyond the first 64 KiB.
import { createHash } from 'node:crypto'
import { json, preflight } from '../_shared/cors.ts'
import { bearerClaims } from '../_shared/jwt.ts'
import { isUuid, readJsonObject } from '../_shared/request.ts'
import { detectType, HEAD_BYTES } from './sniff.ts'

export interface PendingCheck { document_id: string, bucket: string, path: string }

export interface VerifyDeps {
  pending: (documentIds: string[] | null) => Promise<PendingCheck[]>
  /** The object's bytes as a stream, or null when Storage has no such object. */
  open: (bucket: string, path: string) => Promise<ReadableStream<Uint8Array> | null>
  record: (documentId: string, sha256: string | null, detectedType: string | null) => Promise<string>
}

export interface Fingerprint { sha256: string, detectedType: string }

/** SHA-256 and type of a stream, read once. */
export async function fingerprint(stream: ReadableStream<Uint8Array>): Promise<Fingerprint> {
  const hash = createHash('sha256')
  const head = new Uint8Array(HEAD_BYTES)
  let headLength = 0
  let containsNul = false
  for await (const chunk of stream) {
    hash.update(chunk)
    if (headLength < HEAD_BYTES) {
      const take = Math.min(HEAD_BYTES - headLength, chunk.byteLength)
      head.set(chunk.subarray(0, take), headLength)
      headLength += take
    }
    if (!containsNul && chunk.includes(0)) containsNul = true
  }
  return { sha256: hash.digest('hex'), detectedType: detectType(head.subarray(0, headLength), containsNul) }
}

export async function verifyDocuments(req: Request, deps: VerifyDeps): Promise<Response> {
  const cors = preflight(req)
  if (cors) return cors
  if (req.method !== 'POST') return json({ error: 'method not allowed' }, 405)
  if (bearerClaims(req)?.role !== 'service_role') return json({ error: 'only the database (service role) asks for content checks' }, 403)
  const body = await readJsonObject(req) ?? {}
  const ids = body.document_ids
  if (ids !== undefined && !(Array.isArray(ids) && ids.length <= 100 && ids.every(isUuid))) {
    return json({ error: 'document_ids must be a list of at most 100 ids' }, 400)
  }
  const results: Array<{ document_id: string, result: string }> = []
  for (const check of await deps.pending((ids as string[] | undefined) ?? null)) {
    const stream = await deps.open(check.bucket, check.path)
    const print = stream ? await fingerprint(stream) : null
    results.push({ document_id: check.document_id, result: await deps.record(check.document_id, print?.sha256 ?? null, print?.detectedType ?? null) })
  }
  return json({ checked: results })
}
