// What a file really is, from its first bytes (magic numbers) and whether it contains NUL bytes.
// The database (private.content_fits_type) decides whether that fits the declared MIME type.
// Names: pdf, jpeg, png, gif, webp, tiff, heic, heif, rtf, zip, ooxml, odf:<mimetype>, cfb (the
// OLE container of .doc/.xls/.ppt/.msg), executable, html, and otherwise text or binary.

/** How many leading bytes the signatures need (an OOXML's first entries, an ODF's mimetype). */
export const HEAD_BYTES = 64 * 1024

const ascii = (bytes: Uint8Array, start: number, length: number) =>
  String.fromCharCode(...bytes.subarray(start, start + length))

const startsWith = (bytes: Uint8Array, signature: number[], offset = 0) =>
  signature.every((byte, index) => bytes[offset + index] === byte)

const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs'])
const HEIF_BRANDS = new Set(['mif1', 'msf1'])

/** The signature-based type of a file's head, or null when it has none of them. */
export function signatureType(head: Uint8Array): string | null {
  if (startsWith(head, [0xFF, 0xD8, 0xFF])) return 'jpeg'
  if (startsWith(head, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return 'png'
  if (['GIF87a', 'GIF89a'].includes(ascii(head, 0, 6))) return 'gif'
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP') return 'webp'
  if (startsWith(head, [0x49, 0x49, 0x2A, 0x00]) || startsWith(head, [0x4D, 0x4D, 0x00, 0x2A])) return 'tiff'
  if (ascii(head, 4, 4) === 'ftyp') {
    const brand = ascii(head, 8, 4)
    if (HEIC_BRANDS.has(brand)) return 'heic'
    if (HEIF_BRANDS.has(brand)) return 'heif'
  }
  if (ascii(head, 0, 5) === '{\\rtf') return 'rtf'
  if (startsWith(head, [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])) return 'cfb'
  if (startsWith(head, [0x50, 0x4B, 0x03, 0x04])) return zipType(head)
  if (ascii(head, 0, 2) === 'MZ' || startsWith(head, [0x7F, 0x45, 0x4C, 0x46]) || ascii(head, 0, 2) === '#!'
    || startsWith(head, [0xCF, 0xFA, 0xED, 0xFE]) || startsWith(head, [0xCA, 0xFE, 0xBA, 0xBE])) return 'executable'
  // PDF readers accept the header anywhere in the first 1024 bytes.
  if (new TextDecoder('latin1').decode(head.subarray(0, 1024)).includes('%PDF-')) return 'pdf'
  if (looksLikeMarkup(head)) return 'html'
  return null
}

/** OpenDocument keeps its type as the first, uncompressed entry `mimetype`; OOXML names its parts. */
function zipType(head: Uint8Array): string {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength)
  if (head.byteLength >= 30) {
    const nameLength = view.getUint16(26, true)
    const extraLength = view.getUint16(28, true)
    const storedSize = view.getUint32(18, true)
    if (ascii(head, 30, nameLength) === 'mimetype' && view.getUint16(8, true) === 0 && storedSize < 200) {
      return `odf:${ascii(head, 30 + nameLength + extraLength, storedSize)}`
    }
  }
  const text = new TextDecoder('latin1').decode(head)
  return text.includes('[Content_Types].xml') ? 'ooxml' : 'zip'
}

function looksLikeMarkup(head: Uint8Array): boolean {
  const start = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, 512)).replace(/^\uFEFF/, '').trimStart().toLowerCase()
  return /^<(!doctype html|html|head|body|script|svg|iframe|\?xml[^>]*>\s*<svg)/.test(start)
}

/** The type of a whole file: its signature, else text when no byte was NUL, else binary. */
export function detectType(head: Uint8Array, containsNul: boolean): string {
  return signatureType(head) ?? (containsNul ? 'binary' : 'text')
}
