import assert from 'node:assert/strict'
import { unzipSync, strFromU8 } from 'fflate'
import type { CallRpc, RpcError } from '../_shared/errors.ts'
import { postJson } from '../_shared/test-requests.ts'
import { type ExportDeps, gdprExport, zipEntryName } from './gdpr-export.ts'

const person = '0b7e6f1c-3a52-4c8e-9a51-3d2f4e5a6b7c'
const admin = { role: 'authenticated', sub: '11111111-2222-4333-8444-555555555555' }
const request = (claims: Record<string, unknown>, body: unknown) => postJson('http://localhost/gdpr-export', claims, body)
const documents = [
  { id: 'd1', name: 'Gutachten.pdf', storage_path: 'm/d1/Gutachten.pdf', version: 2, home: 'matter' },
  { id: 'd2', name: '../Verschwunden.txt', storage_path: 'm/d2/Verschwunden.txt', version: 1, home: 'matter' },
  { id: 'd3', name: 'Foto.jpg', storage_path: 'u/d3/Foto.jpg', version: 1, home: 'conversation' },
]
const stored: Record<string, string[]> = { 'm/d1/Gutachten.pdf': ['%PDF-1.7 ', 'Inhalt'], 'u/d3/Foto.jpg': ['JPEG'] }

function world(options: { rpcError?: RpcError } = {}) {
  const log: string[] = []
  const rpc: CallRpc = async (name, args) => {
    log.push(`rpc ${name} ${args.target_user_id}`)
    return options.rpcError
      ? { data: null, error: options.rpcError }
      : { data: { profile: { id: person, display_name: 'Tobias Richter' }, messages: [{ body: 'Gutachten folgt' }], documents }, error: null }
  }
  const deps: ExportDeps = {
    rpc,
    async openObject(bucket, path) {
      log.push(`open ${bucket}/${path}`)
      // In chunks, as Storage streams a larger file.
      const chunks = stored[path]
      return chunks ? ReadableStream.from(chunks.map(chunk => new TextEncoder().encode(chunk))) : null
    },
  }
  return { deps, log }
}

Deno.test('the archive holds daten.json and the uploaded files (attachments apart), a missing file is named', async () => {
  const { deps, log } = world()
  const response = await gdprExport(request(admin, { user_id: person }), deps)
  assert.equal(response.status, 200)
  assert.equal(response.headers.get('content-type'), 'application/zip')
  assert.match(response.headers.get('content-disposition') ?? '', /attachment; filename="dsgvo-export-0b7e6f1c/)
  const files = unzipSync(new Uint8Array(await response.arrayBuffer()))
  assert.deepEqual(Object.keys(files).sort(), ['anhaenge/d3/Foto.jpg', 'daten.json', 'dokumente/d1/Gutachten.pdf'])
  assert.equal(strFromU8(files['dokumente/d1/Gutachten.pdf']!), '%PDF-1.7 Inhalt')
  assert.equal(strFromU8(files['anhaenge/d3/Foto.jpg']!), 'JPEG')
  const data = JSON.parse(strFromU8(files['daten.json']!))
  assert.equal(data.profile.display_name, 'Tobias Richter')
  assert.deepEqual(data.documents.map((d: { zip_path: string | null, missing: boolean }) => [d.zip_path, d.missing]),
    [['dokumente/d1/Gutachten.pdf', false], [null, true], ['anhaenge/d3/Foto.jpg', false]])
  assert.deepEqual(log, [`rpc gdpr_export ${person}`, 'open documents/m/d1/Gutachten.pdf', 'open documents/m/d2/Verschwunden.txt',
    'open documents/u/d3/Foto.jpg'])
})

Deno.test('a refusal by the database opens no file', async () => {
  const { deps, log } = world({ rpcError: { code: 'P0001', message: 'forbidden', details: 'Only admins may do this.' } })
  const response = await gdprExport(request(admin, { user_id: person }), deps)
  assert.equal(response.status, 403)
  assert.deepEqual(await response.json(), { code: 'forbidden', message: 'Only admins may do this.' })
  assert.deepEqual(log, [`rpc gdpr_export ${person}`])
})

Deno.test('anonymous callers and malformed bodies never reach the database', async () => {
  const { deps, log } = world()
  assert.equal((await gdprExport(request({ role: 'anon' }, { user_id: person }), deps)).status, 401)
  assert.equal((await gdprExport(request(admin, { user_id: 'jemand' }), deps)).status, 400)
  assert.equal((await gdprExport(new Request('http://localhost/gdpr-export'), deps)).status, 405)
  assert.deepEqual(log, [])
})

Deno.test('entry names stay inside their folder', () => {
  assert.equal(zipEntryName('../../etc/passwd'), '__.._etc_passwd')
  assert.equal(zipEntryName('Kündigung 2026.pdf'), 'Kündigung 2026.pdf')
  assert.equal(zipEntryName(''), 'datei')
})
