// Downloads a document or attachment the audited way: document_download_url (access check, audit
// event, short download grant) → a signed URL created as the user → the browser saves the file
// under its original name (appended ourselves: supabase-js would encode the name twice).
import { errorMessageKey } from '~/utils/error-messages'

interface DownloadTarget { bucket: string, path: string, file_name: string }

export function useDocumentDownload() {
  const supabase = useSupabase()
  const errorKey = ref<string | null>(null)
  const busyId = ref<string | null>(null)

  async function download(documentId: string): Promise<void> {
    busyId.value = documentId
    errorKey.value = null
    try {
      const client = await supabase()
      const { data, error } = await client.rpc('document_download_url', { document_id: documentId })
      if (error) throw error
      const target = (data as DownloadTarget[])[0]!
      const { data: signed, error: signing } = await (await client.storage()).from(target.bucket).createSignedUrl(target.path, 60)
      if (signing || !signed) throw signing
      const link = document.createElement('a')
      link.href = `${signed.signedUrl}&download=${encodeURIComponent(target.file_name)}`
      link.rel = 'noopener'
      link.click()
    }
    catch (error) {
      errorKey.value = errorMessageKey(error)
    }
    finally {
      busyId.value = null
    }
  }

  return { download, errorKey, busyId }
}
