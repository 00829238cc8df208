// POST /functions/v1/gdpr-export {"user_id": "<uuid>"} — an admin downloads everything the portal
// holds about a person (Art. 15/20 GDPR) as a ZIP: `daten.json` (public.gdpr_export: profile,
// account, memberships, messages, tickets, page reads, appointment answers, the calendar feed's
// dates, uploads, notifications, audit events) and the files the person uploaded: matter
// documents under `dokumente/<document id>/<name>`, ticket and message attachments under
// `anhaenge/<document id>/<name>`.
// Postgres decides and audits first, as the caller (admins only, verified session). The files then
// come from Storage with the service role, one after another, each streamed into the ZIP as it
// arrives (stored, not recompressed: documents are mostly compressed already), so the function
// holds one chunk at a time, whatever the size of the export. A file Storage no longer has is
// named in daten.json (`zip_path: null, missing: true`) instead of failing the whole export.
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate'
import { corsHeaders } from '../_shared/cors.ts'
import { type CallRpc, errorResponse, rpcErrorResponse } from '../_shared/errors.ts'
import { bearerClaims } from '../_shared/jwt.ts'
import { isUuid, readJsonObject } from '../_shared/request.ts'

/** A document as public.gdpr_export lists it. */
interface ExportedDocument {
  id: string
  name: string
  storage_path: string
  /** Where it belongs: `matter`, `ticket`, `conversation` or `unattached`. */
  home?: string
  [key: string]: unknown
}

export interface ExportDeps {
  /** RPCs as the caller. */
  rpc: CallRpc
  /** The object's bytes as a stream (service role), or null when Storage has no such object. */
  openObject: (bucket: string, path: string) => Promise<ReadableStream<Uint8Array> | null>
}

/** A name safe inside the archive: no folders, no control characters, never empty. */
export function zipEntryName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f/\\]/g, '_').replace(/^\.+/, '_').trim()
  return clean || 'datei'
}

/** The archive path of an uploaded file: matter documents apart from attachments of texts. */
export const zipPathOf = (document: ExportedDocument) =>
  `${document.home && document.home !== 'matter' ? 'anhaenge' : 'dokumente'}/${document.id}/${zipEntryName(document.name)}`

const encoder = new TextEncoder()

/** The ZIP as a stream of chunks: fflate pushes, the generator hands them on as they come. */
async function* zipChunks(data: Record<string, unknown>, documents: ExportedDocument[], deps: ExportDeps) {
  const pending: Uint8Array[] = []
  let failure: Error | null = null
  const zip = new Zip((error, chunk) => {
    if (error) failure = error
    else pending.push(chunk)
  })
  const drain = function* () {
    if (failure) throw failure
    while (pending.length) yield pending.shift() as Uint8Array
  }

  const listed = []
  for (const document of documents) {
    const stream = await deps.openObject('documents', document.storage_path)
    if (!stream) {
      listed.push({ ...document, zip_path: null, missing: true })
      continue
    }
    const zipPath = zipPathOf(document)
    const entry = new ZipPassThrough(zipPath)
    zip.add(entry)
    for await (const chunk of stream) {
      entry.push(chunk)
      yield* drain()
    }
    entry.push(new Uint8Array(0), true)
    yield* drain()
    listed.push({ ...document, zip_path: zipPath, missing: false })
  }

  const manifest = new ZipDeflate('daten.json', { level: 6 })
  zip.add(manifest)
  manifest.push(encoder.encode(JSON.stringify({ ...data, documents: listed }, null, 2)), true)
  zip.end()
  yield* drain()
}

export async function gdprExport(req: Request, deps: ExportDeps): Promise<Response> {
  if (req.method === 'OPTIONS') return new Response('ok', { headers: corsHeaders })
  if (req.method !== 'POST') return errorResponse(405, 'method_not_allowed', 'POST {"user_id": "<uuid>"}')
  if (bearerClaims(req)?.role !== 'authenticated') return errorResponse(401, 'not_authenticated', 'Sign in as an admin')
  const userId = (await readJsonObject(req))?.user_id
  if (!isUuid(userId)) return errorResponse(400, 'invalid_body', 'The body is {"user_id": "<uuid>"}')

  const { data, error } = await deps.rpc('gdpr_export', { target_user_id: userId })
  if (error) return rpcErrorResponse(error)
  const exported = data as Record<string, unknown>
  const documents = (exported.documents ?? []) as ExportedDocument[]

  const chunks = zipChunks(exported, documents, deps)
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next()
        if (next.done) controller.close()
        else controller.enqueue(next.value)
      }
      catch (failure) {
        // The headers are out already: a broken stream is all the browser can be told.
        console.error(`gdpr-export: the archive for ${userId} broke off:`, failure)
        controller.error(failure)
      }
    },
    async cancel() {
      await chunks.return(undefined)
    },
  })
  return new Response(body, {
    headers: {
      ...corsHeaders,
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename="dsgvo-export-${userId}.zip"`,
      'Cache-Control': 'no-store',
    },
  })
}
