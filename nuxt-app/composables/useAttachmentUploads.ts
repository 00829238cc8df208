// Files attached to a text before it is sent (a ticket, a reply; later messages): each is checked
// against the database's limits (rpc upload_limits), refused with its reason, or uploaded at once
// with progress through the document RPCs (create_document_upload with matter_id null → the
// prepared Storage path → complete_document_upload), then waits for the content check
// (verify-document: SHA-256 and type; the database refuses to attach a file before it passed),
// told by `document_changed {kind: checked}` on the user's topic. The text's RPC then names
// `readyIds` as attachment_ids and the database attaches them with it.
// With a matter (`/dokumente`) the same flow uploads matter documents: the matter's limits, an
// optional previous version per file, and files above one TUS part resumable through
// `tus-js-client` (imported only when such a file comes, so other routes never load it).
import { failOrResumeWhenOnline } from '~/utils/connection'
import { errorMessageKey } from '~/utils/error-messages'
import { fileType, formatFileSize, putObject, sha256Hex } from '~/utils/files'

export interface UploadLimits { maxBytes: number, maxFiles: number, mimeTypes: string[] }

export type UploadState = 'uploading' | 'checking' | 'ready' | 'refused' | 'failed'

export interface AttachmentUpload {
  key: string
  name: string
  size: number
  state: UploadState
  /** 0…1 while uploading. */
  progress: number
  /** Why it was refused or failed (i18n key and its parameters). */
  reason?: { key: string, params: Record<string, unknown> }
  documentId?: string
  /** The document this upload is the next version of. */
  previousVersionId?: string
  file: File
}

export interface UploadTarget {
  /** null or absent: attachments of a text about to be sent. */
  matterId?: MaybeRefOrGetter<string | null>
  /** i18n prefix of the refusals' texts (`…tooLarge`, `…type`, …). */
  refusals?: string
}

interface LimitRow { purpose: string, max_bytes: number, max_files: number | null, mime_types: string[] }

const limitsByPurpose = new Map<string, Promise<UploadLimits | null>>()

/** The part size Supabase Storage expects from tus clients; smaller files go in one request. */
const resumablePartBytes = 6 * 1024 * 1024

interface Destination { url: string, headers: Record<string, string>, bucket: string, path: string, type: string }

/** Storage's TUS endpoint: resumes after a dropped connection (retries, then the stored offset); offline,
 * tus does not retry, so the upload waits for the connection and goes on from Storage's offset. */
async function putResumable(target: Destination, file: File, onProgress: (share: number) => void): Promise<void> {
  const { Upload } = await import('tus-js-client')
  await new Promise<void>((resolve, reject) => {
    const upload = new Upload(file, {
      endpoint: target.url.replace(/\/object\/.*$/, '/upload/resumable'),
      headers: { authorization: target.headers.Authorization!, apikey: target.headers.apikey! },
      chunkSize: resumablePartBytes,
      retryDelays: [0, 1000, 3000, 5000, 10_000],
      removeFingerprintOnSuccess: true,
      metadata: { bucketName: target.bucket, objectName: target.path, contentType: target.type },
      onProgress: (sent, total) => onProgress(total ? sent / total : 0),
      onSuccess: () => resolve(),
      onError: failOrResumeWhenOnline(() => upload.start(), reject),
    })
    upload.start()
  })
}

export function useAttachmentUploads(target: UploadTarget = {}) {
  const purpose = computed(() => (toValue(target.matterId) ? 'matter' : 'attachment'))
  const refusals = target.refusals ?? 'attachments.refused'
  const supabase = useSupabase()
  const { supabaseUrl, supabaseAnonKey } = useRuntimeConfig().public
  // The app's i18n, not useI18n(): this composable also runs outside a component's setup (tests).
  const locale = useNuxtApp().$i18n.locale
  const uploads = ref<AttachmentUpload[]>([])
  const limits = ref<UploadLimits | null>(null)
  const sessionStore = useSessionStore()

  /** Applies the content check's outcome to an upload that waits for it (still pending: no change). */
  async function settle(documentId: string) {
    const entry = uploads.value.find(candidate => candidate.documentId === documentId && candidate.state === 'checking')
    if (!entry) return
    const { data } = await (await supabase()).from('documents').select('content_check, content_check_reason').eq('id', documentId).maybeSingle()
    const outcome = data as { content_check: string | null, content_check_reason: string | null } | null
    if (!outcome || outcome.content_check === 'failed') {
      const reason = `${refusals}.${outcome?.content_check_reason === 'checksum_mismatch' ? 'changed' : 'content'}`
      return refuse(entry.key, reason, { name: entry.name })
    }
    if (outcome.content_check !== 'pending') patch(entry.key, { state: 'ready' })
  }

  const waitingForCheck = computed(() => uploads.value.some(entry => entry.state === 'checking'))
  useRealtimeTopic(() => (waitingForCheck.value && sessionStore.user ? `user:${sessionStore.user.id}` : null), {
    onMessage: ({ event, payload }) => {
      if (event === 'document_changed' && payload.kind === 'checked') void settle(String(payload.document_id))
    },
    // What was checked while the topic was not joined yet.
    onJoin: () => uploads.value.forEach(entry => entry.state === 'checking' && entry.documentId && void settle(entry.documentId)),
  })

  async function loadLimits(): Promise<UploadLimits | null> {
    const wanted = purpose.value
    if (!limitsByPurpose.has(wanted)) {
      limitsByPurpose.set(wanted, supabase().then(async (client) => {
        const { data, error } = await client.rpc('upload_limits')
        const row = error ? undefined : (data as LimitRow[] | null)?.find(entry => entry.purpose === wanted)
        if (!row) {
          limitsByPurpose.delete(wanted)
          return null
        }
        // Matter documents have no count limit (max_files null); a reply takes at most ten.
        return { maxBytes: row.max_bytes, maxFiles: row.max_files ?? (wanted === 'matter' ? Infinity : 10), mimeTypes: row.mime_types }
      }))
    }
    limits.value = await limitsByPurpose.get(wanted)!
    return limits.value
  }

  function patch(key: string, changes: Partial<AttachmentUpload>) {
    uploads.value = uploads.value.map(entry => (entry.key === key ? { ...entry, ...changes } : entry))
  }

  const refuse = (key: string, reasonKey: string, params: Record<string, unknown> = {}) =>
    patch(key, { state: 'refused', reason: { key: reasonKey, params } })

  async function upload(entry: AttachmentUpload) {
    patch(entry.key, { state: 'uploading', progress: 0, reason: undefined })
    try {
      const client = await supabase()
      const { data: prepared, error } = await client.rpc('create_document_upload', {
        matter_id: toValue(target.matterId) ?? null, file_name: entry.name, size_bytes: entry.size, mime_type: fileType(entry.file),
        sha256: await sha256Hex(await entry.file.arrayBuffer()), previous_version_id: entry.previousVersionId ?? null,
      })
      if (error) throw error
      const { document_id: documentId, bucket, path } = (prepared as Array<{ document_id: string, bucket: string, path: string }>)[0]!
      const token = (await client.auth.getSession()).data.session?.access_token ?? ''
      const objectPath = path.split('/').map(encodeURIComponent).join('/')
      const destination: Destination = {
        url: `${supabaseUrl}/storage/v1/object/${bucket}/${objectPath}`, bucket, path, type: fileType(entry.file),
        headers: { 'Authorization': `Bearer ${token}`, 'apikey': supabaseAnonKey, 'Content-Type': fileType(entry.file), 'x-upsert': 'false' },
      }
      const onProgress = (progress: number) => patch(entry.key, { progress })
      if (purpose.value === 'matter' && entry.size > resumablePartBytes) await putResumable(destination, entry.file, onProgress)
      else await putObject(destination.url, destination.headers, entry.file, onProgress)
      const { error: completion } = await client.rpc('complete_document_upload', { document_id: documentId })
      if (completion) throw completion
      patch(entry.key, { state: 'checking', progress: 1, documentId })
      await settle(documentId)
    }
    catch (error) {
      const code = (error as { code?: string }).code
      if (code === 'EntityTooLarge') return refuse(entry.key, `${refusals}.tooLarge`, { name: entry.name, limit: formatFileSize(limits.value?.maxBytes ?? 0, locale.value) })
      if (code === 'InvalidMimeType') return refuse(entry.key, `${refusals}.type`, { name: entry.name })
      const key = errorMessageKey(error)
      // The database's own refusals name the file too; a network failure can be retried.
      if (key.startsWith('errors.codes.')) refuse(entry.key, key, { name: entry.name })
      else patch(entry.key, { state: 'failed', reason: { key, params: { name: entry.name } } })
    }
  }

  /** Checks each file against the limits and uploads the ones that pass (optionally as the next version of a document). */
  async function add(files: Iterable<File>, previousVersionId?: string) {
    const allowed = await loadLimits()
    for (const file of files) {
      const entry: AttachmentUpload = { key: crypto.randomUUID(), name: file.name, size: file.size, state: 'uploading', progress: 0, file, previousVersionId }
      const counted = uploads.value.filter(existing => existing.state !== 'refused').length
      uploads.value = [...uploads.value, entry]
      if (!allowed) refuse(entry.key, 'errors.unavailable')
      else if (counted >= allowed.maxFiles) refuse(entry.key, `${refusals}.tooMany`, { name: file.name, max: allowed.maxFiles })
      else if (file.size > allowed.maxBytes) refuse(entry.key, `${refusals}.tooLarge`, { name: file.name, limit: formatFileSize(allowed.maxBytes, locale.value) })
      else if (!allowed.mimeTypes.includes(fileType(file))) refuse(entry.key, `${refusals}.type`, { name: file.name })
      else if (file.size === 0) refuse(entry.key, `${refusals}.empty`, { name: file.name })
      else void upload(entry)
    }
  }

  function retry(key: string) {
    const entry = uploads.value.find(candidate => candidate.key === key)
    if (entry?.state === 'failed') void upload(entry)
  }

  /** Removes a file before sending; an upload already stored is deleted (soft) in the database too. */
  async function remove(key: string) {
    const entry = uploads.value.find(candidate => candidate.key === key)
    uploads.value = uploads.value.filter(candidate => candidate.key !== key)
    if (entry?.documentId) await (await supabase()).rpc('delete_document', { document_id: entry.documentId })
  }

  /** Drops a row from the list only (a matter's document stays where it was uploaded). */
  const dismiss = (key: string) => (uploads.value = uploads.value.filter(candidate => candidate.key !== key))

  /** After sending: the files now belong to the text. */
  const clear = () => (uploads.value = [])

  const readyIds = computed(() => uploads.value.filter(entry => entry.state === 'ready').map(entry => entry.documentId!))
  const busy = computed(() => uploads.value.some(entry => entry.state === 'uploading' || entry.state === 'checking'))
  /** The whole batch's share sent, by bytes (refused files do not count). */
  const batchProgress = computed(() => {
    const counted = uploads.value.filter(entry => entry.state !== 'refused' && entry.state !== 'failed')
    const total = counted.reduce((sum, entry) => sum + entry.size, 0)
    return total ? counted.reduce((sum, entry) => sum + entry.size * (entry.state === 'uploading' ? entry.progress : 1), 0) / total : 0
  })

  return { uploads, limits, loadLimits, add, retry, remove, dismiss, clear, readyIds, busy, batchProgress }
}
