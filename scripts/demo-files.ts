// Real bytes for the demo's documents. seed.sql can write document rows but cannot upload, so once
// the API runs, `make dev` gives every uploaded document row that has no object yet a small file
// of its type (a one-page PDF naming it, a PNG photo, a Word document), uploads it through the
// Storage API with the service-role key and records the file's true size and SHA-256 on the row:
// demo previews and downloads work and pass the app's checksum. Rows whose object exists (real
// uploads) are left alone, so running it again changes nothing.
import { createHash } from 'node:crypto'
import { crc32, deflateSync } from 'node:zlib'
import postgres from 'postgres'
import { dbUrl, type DevstackConfig } from '../devstack/src/config.ts'

const latin1 = (text: string) => Buffer.from(text, 'latin1')

/** A one-page A4 PDF with the lines in Helvetica (WinAnsi: German umlauts print as they are). */
export function demoPdf(lines: string[]): Buffer {
  const escape = (text: string) => text.replace(/[\\()]/g, match => `\\${match}`)
  const text = lines.map((line, index) => `BT /F1 ${index === 0 ? 16 : 11} Tf 56 ${780 - index * 24} Td (${escape(line)}) Tj ET`).join('\n')
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< /Length ${latin1(text).byteLength} >>\nstream\n${text}\nendstream`,
  ]
  let body = '%PDF-1.7\n'
  const offsets = objects.map((object, index) => {
    const offset = latin1(body).byteLength
    body += `${index + 1} 0 obj\n${object}\nendobj\n`
    return offset
  })
  const xref = latin1(body).byteLength
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map(offset => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return latin1(body)
}

function pngChunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.byteLength)
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(typed))
  return Buffer.concat([length, typed, crc])
}

/** A photo of a concrete slab with a crack, as a site visit would bring (RGB PNG, drawn here). */
export function demoPng(width = 480, height = 320): Buffer {
  const rows = Buffer.alloc(height * (1 + width * 3))
  let crackY = height / 3
  const crack = Array.from({ length: width }, (_, x) => (crackY += Math.sin(x / 17) * 1.6 + Math.cos(x / 5) * 0.9))
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 3)
    for (let x = 0; x < width; x++) {
      const grain = ((x * 7919 + y * 104729) % 23) - 11
      const shade = Math.abs(y - crack[x]!) < 1.5 ? 45 : 150 + grain
      rows.fill(shade, row + 1 + x * 3, row + 4 + x * 3)
      rows[row + 3 + x * 3] = shade - 8
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 2, 0, 0, 0], 8)
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
    pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(rows)), pngChunk('IEND', Buffer.alloc(0))])
}

/** A ZIP of stored (uncompressed) entries, the container of Office documents. */
export function storedZip(entries: Array<[name: string, content: string]>): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const [name, content] of entries) {
    const nameBytes = Buffer.from(name, 'utf8')
    const data = Buffer.from(content, 'utf8')
    const fields = (header: Buffer, at: number) => {
      header.writeUInt32LE(crc32(data), at)
      header.writeUInt32LE(data.byteLength, at + 4)
      header.writeUInt32LE(data.byteLength, at + 8)
      header.writeUInt16LE(nameBytes.byteLength, at + 12)
    }
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034B50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(0x0800, 6) // names in UTF-8
    fields(local, 14)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014B50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0x0800, 8)
    fields(central, 16)
    central.writeUInt32LE(offset, 42)
    locals.push(local, nameBytes, data)
    centrals.push(central, nameBytes)
    offset += local.byteLength + nameBytes.byteLength + data.byteLength
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054B50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.byteLength, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** A Word document (OOXML) with one paragraph per line. */
export function demoDocx(lines: string[]): Buffer {
  const xml = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
  return storedZip([
    ['[Content_Types].xml', `${xml}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`],
    ['_rels/.rels', `${xml}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`],
    ['word/document.xml', `${xml}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${lines.map(line => `<w:p><w:r><w:t xml:space="preserve">${xmlText(line)}</w:t></w:r></w:p>`).join('')}</w:body></w:document>`],
  ])
}

/** The demo file for a document of `mimeType` (`home`: its matter or thread); null when the demo has no generator for it. */
export function demoFile(mimeType: string, name: string, home: string): Buffer | null {
  const lines = [name, home, 'Demo-Dokument des Mandantenportals (make dev). Kein echter Inhalt.']
  switch (mimeType) {
    case 'application/pdf': return demoPdf(lines)
    case 'image/png': return demoPng()
    case 'application/vnd.openxmlformats-officedocument.wordprocessingml.document': return demoDocx(lines)
    case 'text/plain': return Buffer.from(`${lines.join('\n')}\n`, 'utf8')
    default: return null
  }
}

/**
 * Uploads a file for every uploaded document row without an object (or only for `documentIds`,
 * so a test on a shared instance touches nothing else); returns how many it wrote.
 */
export async function uploadDemoFiles(config: DevstackConfig, documentIds?: string[]): Promise<number> {
  // The superuser: the row's size and checksum are the seed's to correct, with triggers off.
  const sql = postgres(dbUrl(config, 'supabase_admin'), { max: 1, onnotice: () => {} })
  try {
    const missing = await sql<Array<{ id: string, name: string, mime_type: string, storage_path: string, home: string }>>`
      select d.id, d.name, d.mime_type, d.storage_path, coalesce('Akte: ' || m.title, 'Nachricht: ' || c.subject, '') as home
        from public.documents as d
        left join public.matters as m on m.id = d.matter_id
        left join public.conversations as c on c.id = d.conversation_id
       where d.uploaded_at is not null and (${documentIds ?? null}::uuid[] is null or d.id = any(${documentIds ?? null}::uuid[]))
         and not exists (select 1 from storage.objects as o where o.bucket_id = 'documents' and o.name = d.storage_path)
       order by d.created_at, d.id`
    let written = 0
    for (const row of missing) {
      const bytes = demoFile(row.mime_type, row.name, row.home)
      if (!bytes) {
        console.warn(`demo files: no demo file for ${row.mime_type} (${row.name})`)
        continue
      }
      const response = await fetch(`${config.apiUrl}/storage/v1/object/documents/${row.storage_path.split('/').map(encodeURIComponent).join('/')}`, {
        method: 'POST',
        headers: { 'Authorization': `Bearer ${config.serviceRoleKey}`, 'apikey': config.serviceRoleKey, 'Content-Type': row.mime_type, 'x-upsert': 'true' },
        body: new Uint8Array(bytes),
      })
      if (!response.ok) throw new Error(`demo file ${row.storage_path}: ${response.status} ${await response.text()}`)
      await response.body?.cancel()
      await sql.begin(async (tx) => {
        await tx`set local session_replication_role = replica`
        await tx`update public.documents set size_bytes = ${bytes.byteLength}, sha256 = ${createHash('sha256').update(bytes).digest('hex')} where id = ${row.id}`
      })
      written++
    }
    return written
  }
  finally {
    await sql.end()
  }
}
