// Downloads a document or attachment the audited way: document_download_url (access check, audit
// event, short download grant) → a signed URL created as the user → the browser saves the file
// under its original name (appended ourselves: supabase-js would encode the name twice).
// With the SHA-256 the database recorded at upload (and verify-document confirmed), the bytes are
// fetched and hashed first and saved only if they match; a preview gets the signed URL itself.
import { errorMessageKey } from '~/utils/error-messages'
import { saveBlobAs, sha256Hex } from '~/utils/files'

interface DownloadTarget { bucket: string, path: string, file_name: string, mime_type: string }

export function useDocumentDownload() {
  const supabase = useSupabase()
  const errorKey = ref<string | null>(null)
  const busyId = ref<string | null>(null)

  /** A signed URL valid for a minute, issued only after the RPC granted (and audited) the access. */
  async function signedUrl(documentId: string): Promise<{ url: string, target: DownloadTarget }> {
    const client = await supabase()
    const { data, error } = await client.rpc('document_download_url', { document_id: documentId })
    if (error) throw error
    const target = (data as DownloadTarget[])[0]!
    const { data: signed, error: signing } = await (await client.storage()).from(target.bucket).createSignedUrl(target.path, 60)
    if (signing || !signed) throw signing
    return { url: signed.signedUrl, target }
  }

  async function guarded<Result>(documentId: string, work: () => Promise<Result>): Promise<Result | null> {
    busyId.value = documentId
    errorKey.value = null
    try {
      return await work()
    }
    catch (error) {
      errorKey.value = error instanceof ChecksumMismatch ? 'documents.errors.checksumMismatch' : errorMessageKey(error)
      return null
    }
    finally {
      busyId.value = null
    }
  }

  function follow(href: string) {
    const link = document.createElement('a')
    link.href = href
    link.rel = 'noopener'
    link.click()
  }

  const download = (documentId: string, expectedSha256?: string) => guarded(documentId, async () => {
    const { url, target } = await signedUrl(documentId)
    if (!expectedSha256) return follow(`${url}&download=${encodeURIComponent(target.file_name)}`)
    const response = await fetch(url)
    if (!response.ok) throw { status: response.status }
    const bytes = await response.arrayBuffer()
    if (await sha256Hex(bytes) !== expectedSha256.toLowerCase()) throw new ChecksumMismatch()
    saveBlobAs(new Blob([bytes], { type: target.mime_type }), target.file_name)
  })

  /** For a preview in the page (PDF, image): the short-lived signed URL, audited like a download. */
  const preview = (documentId: string) => guarded(documentId, async () => (await signedUrl(documentId)).url)

  return { download, preview, errorKey, busyId }
}

class ChecksumMismatch extends Error {}
