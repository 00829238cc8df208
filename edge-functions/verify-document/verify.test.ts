import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { detectType, signatureType } from './sniff.ts'
import { fingerprint, type PendingCheck, verifyDocuments } from './verify.ts'

const bytes = (...parts: Array<string | number[]>) =>
  new Uint8Array(parts.flatMap(part => typeof part === 'string' ? [...new TextEncoder().encode(part)] : part))
const streamOf = (...chunks: Uint8Array[]) => new ReadableStream<Uint8Array>({
  start(controller) {
    for (const chunk of chunks) controller.enqueue(chunk)
    controller.close()
  },
})
const token = (role: string) => `Bearer e30.${btoa(JSON.stringify({ role })).replace(/=+$/, '')}.sig`

/** A ZIP whose first entry is stored uncompressed, as OpenDocument writes its `mimetype`. */
function storedZipEntry(name: string, content: string): Uint8Array {
  const header = new Uint8Array(30)
  const view = new DataView(header.buffer)
  view.setUint32(0, 0x04034B50, true)
  view.setUint16(8, 0, true)
  view.setUint32(18, content.length, true)
  view.setUint32(22, content.length, true)
  view.setUint16(26, name.length, true)
  view.setUint16(28, 0, true)
  return bytes([...header], name, content)
}

Deno.test('signatures name what a file really is', () => {
  assert.deepEqual(signatureType(bytes('%PDF-1.7\n')), 'pdf')
  assert.deepEqual(signatureType(bytes([0xFF, 0xD8, 0xFF, 0xE0])), 'jpeg')
  assert.deepEqual(signatureType(bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])), 'png')
  assert.deepEqual(signatureType(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 ')), 'webp')
  assert.deepEqual(signatureType(bytes([0, 0, 0, 24], 'ftypheic')), 'heic')
  assert.deepEqual(signatureType(bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])), 'cfb')
  assert.deepEqual(signatureType(storedZipEntry('mimetype', 'application/vnd.oasis.opendocument.text')), 'odf:application/vnd.oasis.opendocument.text')
  assert.deepEqual(signatureType(storedZipEntry('[Content_Types].xml', '<Types/>')), 'ooxml')
  assert.deepEqual(signatureType(bytes('MZ', [0x90, 0])), 'executable')
  assert.deepEqual(signatureType(bytes('\uFEFF  <!DOCTYPE html><html>')), 'html')
  assert.deepEqual(signatureType(bytes('<svg xmlns="http://www.w3.org/2000/svg">')), 'html')
})

Deno.test('without a signature a file is text unless it holds NUL bytes', () => {
  assert.deepEqual(detectType(bytes('Sehr geehrte Damen und Herren,'), false), 'text')
  assert.deepEqual(detectType(bytes([1, 2, 3]), true), 'binary')
})

Deno.test('the fingerprint hashes every chunk and sniffs the head once', async () => {
  const parts = [bytes('%PDF-1.4\n'), new Uint8Array(100_000).fill(65), bytes('%%EOF')]
  const expected = createHash('sha256')
  for (const part of parts) expected.update(part)
  assert.deepEqual(await fingerprint(streamOf(...parts)), { sha256: expected.digest('hex'), detectedType: 'pdf' })
})

Deno.test('only the service role may ask; each pending document is reported, a missing object as such', async () => {
  const recorded: Array<[string, string | null, string | null]> = []
  const deps = {
    pending: (ids: string[] | null): Promise<PendingCheck[]> => Promise.resolve([
      { document_id: ids?.[0] ?? 'x', bucket: 'documents', path: 'a/b/ok.pdf' },
      { document_id: 'missing', bucket: 'documents', path: 'a/c/weg.pdf' },
    ]),
    open: (_bucket: string, path: string) => Promise.resolve(path.endsWith('ok.pdf') ? streamOf(bytes('%PDF-1.7')) : null),
    record: (id: string, sha: string | null, type: string | null) => {
      recorded.push([id, sha, type])
      return Promise.resolve(sha ? 'passed' : 'failed')
    },
  }
  const refused = await verifyDocuments(new Request('http://f/verify-document', { method: 'POST', headers: { authorization: token('authenticated') }, body: '{}' }), deps)
  assert.deepEqual(refused.status, 403)
  assert.deepEqual(recorded.length, 0)

  const id = '11111111-1111-4111-8111-111111111111'
  const answer = await verifyDocuments(new Request('http://f/verify-document', {
    method: 'POST', headers: { authorization: token('service_role') }, body: JSON.stringify({ document_ids: [id] }),
  }), deps)
  assert.deepEqual(answer.status, 200)
  assert.deepEqual((await answer.json()).checked, [{ document_id: id, result: 'passed' }, { document_id: 'missing', result: 'failed' }])
  assert.deepEqual(recorded[0]![2], 'pdf')
  assert.deepEqual(recorded[1], ['missing', null, null])

  const bad = await verifyDocuments(new Request('http://f/verify-document', {
    method: 'POST', headers: { authorization: token('service_role') }, body: JSON.stringify({ document_ids: ['nope'] }),
  }), deps)
  assert.deepEqual(bad.status, 400)
})
