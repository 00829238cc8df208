// File facts the upload and download views need: sizes in words, and the type of files whose
// browser reports none (Outlook .msg, some .eml), so the database's type list can decide.
const megabyte = 1024 * 1024

export function formatFileSize(bytes: number, locale: string): string {
  const [value, unit] = bytes >= megabyte ? [bytes / megabyte, 'megabyte'] : [Math.max(bytes / 1024, 0.1), 'kilobyte']
  return new Intl.NumberFormat(locale, { style: 'unit', unit, maximumFractionDigits: value < 10 ? 1 : 0 }).format(value)
}

const typesByExtension: Record<string, string> = {
  msg: 'application/vnd.ms-outlook',
  eml: 'message/rfc822',
  heic: 'image/heic',
  heif: 'image/heif',
  csv: 'text/csv',
}

export function fileType(file: { name: string, type: string }): string {
  if (file.type) return file.type.toLowerCase()
  const extension = file.name.split('.').pop()?.toLowerCase() ?? ''
  return typesByExtension[extension] ?? ''
}

/**
 * Hands bytes to the browser as a download named `fileName`. The object URL lives a minute: revoked
 * at once, some browsers cancel a download that has not started reading it yet.
 */
export function saveBlobAs(blob: Blob, fileName: string): void {
  const link = document.createElement('a')
  link.href = URL.createObjectURL(blob)
  link.download = fileName
  link.click()
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000)
}

/** Hex SHA-256 of bytes, as the database stores it. */
export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes)
  return [...new Uint8Array(digest)].map(byte => byte.toString(16).padStart(2, '0')).join('')
}

/** A type icon for a document row (lucide names). */
export function fileIcon(mimeType: string): string {
  if (mimeType === 'application/pdf') return 'i-lucide-file-text'
  if (mimeType.startsWith('image/')) return 'i-lucide-file-image'
  if (mimeType.includes('spreadsheet') || mimeType.includes('excel') || mimeType === 'text/csv') return 'i-lucide-file-spreadsheet'
  if (mimeType.includes('zip')) return 'i-lucide-file-archive'
  if (mimeType === 'message/rfc822' || mimeType.includes('outlook')) return 'i-lucide-mail'
  return 'i-lucide-file'
}

/** Whether the browser shows the type itself (a preview instead of a download). */
export const previewable = (mimeType: string) => mimeType === 'application/pdf' || /^image\/(png|jpeg|gif|webp)$/.test(mimeType)

/** Storage's upload endpoint through XMLHttpRequest, the one browser API that reports upload progress. */
export function putObject(url: string, headers: Record<string, string>, file: File, onProgress: (share: number) => void): Promise<void> {
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
