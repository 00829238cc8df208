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
