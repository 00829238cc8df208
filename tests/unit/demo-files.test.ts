// The demo's generated files are what their type says: the content check's own sniffer names
// them so, the PDF's cross-reference table points at its objects, the Word file is a ZIP that
// unzip accepts, and the PNG's image data has a pixel row for every line.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { signatureType } from '../../edge-functions/verify-document/sniff.ts'
import { demoFile, demoPng } from '../../scripts/demo-files.ts'

const docx = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

describe('demo files', () => {
  it('are sniffed as the type they are stored as', () => {
    expect(signatureType(demoFile('application/pdf', 'Bauvertrag.pdf', 'Akte: Lindenstraße 12')!)).toBe('pdf')
    expect(signatureType(demoFile('image/png', 'Riss.png', 'Akte: Lindenstraße 12')!)).toBe('png')
    expect(signatureType(demoFile(docx, 'Entwurf.docx', 'Akte: Lindenstraße 12')!)).toBe('ooxml')
    expect(demoFile('image/heic', 'Foto.heic', 'Akte: Lindenstraße 12')).toBeNull()
  })

  it('make a PDF whose cross-reference table points at each object, umlauts in WinAnsi', () => {
    const pdf = demoFile('application/pdf', 'Schriftsatz (Entwurf) für Müller.pdf', 'Akte: Bauvorhaben')!
    const text = pdf.toString('latin1')
    const xref = Number(/startxref\n(\d+)/.exec(text)![1])
    expect(text.slice(xref, xref + 4)).toBe('xref')
    const offsets = [...text.slice(xref).matchAll(/^(\d{10}) 00000 n $/gm)].map(match => Number(match[1]))
    expect(offsets).toHaveLength(5)
    offsets.forEach((offset, index) => expect(text.slice(offset)).toMatch(new RegExp(`^${index + 1} 0 obj`)))
    expect(text).toContain('(Schriftsatz \\(Entwurf\\) für Müller.pdf)')
  })

  it('make a Word document unzip accepts', () => {
    const folder = mkdtempSync(join(tmpdir(), 'demo-docx-'))
    try {
      writeFileSync(join(folder, 'a.docx'), demoFile(docx, 'Entwurf <Klage> & Co.docx', 'Akte: Bauvorhaben')!)
      const listing = execFileSync('unzip', ['-t', join(folder, 'a.docx')], { encoding: 'utf8' })
      expect(listing).toMatch(/No errors detected/)
      expect(execFileSync('unzip', ['-p', join(folder, 'a.docx'), 'word/document.xml'], { encoding: 'utf8' })).toContain('Entwurf &lt;Klage&gt; &amp; Co.docx')
    }
    finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })

  it('make a PNG with a filtered RGB row per line', () => {
    const png = demoPng(40, 30)
    const idatLength = png.readUInt32BE(33)
    expect(png.toString('ascii', 37, 41)).toBe('IDAT')
    expect(inflateSync(png.subarray(41, 41 + idatLength)).byteLength).toBe(30 * (1 + 40 * 3))
  })
})
