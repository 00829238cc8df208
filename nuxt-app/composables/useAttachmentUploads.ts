// Files attached to a text before it is sent (a ticket, a reply; later messages): each is checked
// against the database's limits (rpc upload_limits), refused with its reason, or uploaded at once
// with progress through the document RPCs (create_document_upload with matter_id null → the
// prepared Storage path → complete_document_upload). The text's RPC then names `readyIds` as
// attachment_ids and the database attaches them with it.
import { errorMessageKey } from '~/utils/error-messages'
import { fileType, formatFileSize } from '~/utils/files'

export interface UploadLimits { maxBytes: number, maxFiles: number, mimeTypes: string[] }

export type UploadState = 'uploading' | 'ready' | 'refused' | 'failed'

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
  file: File
}

interface LimitRow { purpose: string, max_bytes: number, max_files: number | null, mime_types: string[] }

let attachmentLimits: Promise<UploadLimits | null> | undefined

async function hexDigest(file: File): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer())
  return [...new Uint8Array(digest)].map(byte => byte.toString(16).padStart(2, '0')).join('')
}

/** Storage's upload endpoint through XMLHttpRequest, the one browser API that reports upload progress. */
function putObject(url: string, headers: Record<string, string>, file: File, onProgress: (share: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest()
    request.open('POST', url)
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value)
    request.upload.onprogress = event => event.lengthComputable && onProgress(event.loaded / event.total)
    request.onload = () => {
      if (request.status < 300) return resolve()
      let body: { error?: string, message?: string } = {}
      try {
        body = JSON.parse(request.responseText)
      }
      catch {
        // not JSON: the status says enough
      }
      reject({ status: request.status, code: body.error, message: body.message })
    }
    request.onerror = () => reject(new TypeError('upload failed'))
    request.send(file)
  })
}

export function useAttachmentUploads() {
  const supabase = useSupabase()
  const { supabaseUrl, supabaseAnonKey } = useRuntimeConfig().public
  // The app's i18n, not useI18n(): this composable also runs outside a component's setup (tests).
  const locale = useNuxtApp().$i18n.locale
  const uploads = ref<AttachmentUpload[]>([])
  const limits = ref<UploadLimits | null>(null)

  async function loadLimits(): Promise<UploadLimits | null> {
    attachmentLimits ??= supabase().then(async (client) => {
      const { data, error } = await client.rpc('upload_limits')
      const row = error ? undefined : (data as LimitRow[] | null)?.find(entry => entry.purpose === 'attachment')
      if (!row) {
        attachmentLimits = undefined
        return null
      }
      return { maxBytes: row.max_bytes, maxFiles: row.max_files ?? 10, mimeTypes: row.mime_types }
    })
    limits.value = await attachmentLimits
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
        matter_id: null, file_name: entry.name, size_bytes: entry.size, mime_type: fileType(entry.file), sha256: await hexDigest(entry.file),
      })
      if (error) throw error
      const { document_id: documentId, bucket, path } = (prepared as Array<{ document_id: string, bucket: string, path: string }>)[0]!
      const token = (await client.auth.getSession()).data.session?.access_token ?? ''
      const objectPath = path.split('/').map(encodeURIComponent).join('/')
      await putObject(`${supabaseUrl}/storage/v1/object/${bucket}/${objectPath}`,
        { 'Authorization': `Bearer ${token}`, 'apikey': supabaseAnonKey, 'Content-Type': fileType(entry.file), 'x-upsert': 'false' },
        entry.file, progress => patch(entry.key, { progress }))
      const { error: completion } = await client.rpc('complete_document_upload', { document_id: documentId })
      if (completion) throw completion
      patch(entry.key, { state: 'ready', progress: 1, documentId })
    }
    catch (error) {
      const code = (error as { code?: string }).code
      if (code === 'EntityTooLarge') return refuse(entry.key, 'attachments.refused.tooLarge', { name: entry.name, limit: formatFileSize(limits.value?.maxBytes ?? 0, locale.value) })
      if (code === 'InvalidMimeType') return refuse(entry.key, 'attachments.refused.type', { name: entry.name })
      const key = errorMessageKey(error)
      // The database's own refusals name the file too; a network failure can be retried.
      if (key.startsWith('errors.codes.')) refuse(entry.key, key, { name: entry.name })
      else patch(entry.key, { state: 'failed', reason: { key, params: { name: entry.name } } })
    }
  }

  /** Checks each file against the limits and uploads the ones that pass. */
  async function add(files: Iterable<File>) {
    const allowed = await loadLimits()
    for (const file of files) {
      const entry: AttachmentUpload = { key: crypto.randomUUID(), name: file.name, size: file.size, state: 'uploading', progress: 0, file }
      const counted = uploads.value.filter(existing => existing.state !== 'refused').length
      uploads.value = [...uploads.value, entry]
      if (!allowed) refuse(entry.key, 'errors.unavailable')
      else if (counted >= allowed.maxFiles) refuse(entry.key, 'attachments.refused.tooMany', { name: file.name, max: allowed.maxFiles })
      else if (file.size > allowed.maxBytes) refuse(entry.key, 'attachments.refused.tooLarge', { name: file.name, limit: formatFileSize(allowed.maxBytes, locale.value) })
      else if (!allowed.mimeTypes.includes(fileType(file))) refuse(entry.key, 'attachments.refused.type', { name: file.name })
      else if (file.size === 0) refuse(entry.key, 'attachments.refused.empty', { name: file.name })
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

  /** After sending: the files now belong to the text. */
  const clear = () => (uploads.value = [])

  const readyIds = computed(() => uploads.value.filter(entry => entry.state === 'ready').map(entry => entry.documentId!))
  const busy = computed(() => uploads.value.some(entry => entry.state === 'uploading'))

  return { uploads, limits, loadLimits, add, retry, remove, clear, readyIds, busy }
}
