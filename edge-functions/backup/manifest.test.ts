import assert from 'node:assert/strict'
import { artefactKeys, type ManifestError, manifestSeq, parseManifest } from './manifest.ts'

const header = { type: 'run', format: 'mandantenportal-backup', version: 1, id: 'r', seq: 3, kind: 'full' }
const lines = async function* (list: unknown[]) {
  for (const line of list) yield JSON.stringify(line)
}

Deno.test('a manifest is its run line, its entries and an end line that counts them', async () => {
  const manifest = await parseManifest(lines([header, { type: 'checksum', relation: 'public.a', rows: 1, checksum: '9' }, { type: 'end', entries: 1 }]), 'm')
  assert.equal(manifest.header.seq, 3)
  assert.equal(manifest.entries.length, 1)
})

Deno.test('a shortened, padded or foreign manifest is refused with its code', async () => {
  const code = (list: unknown[]) => parseManifest(lines(list), 'm').then(() => null, (error: ManifestError) => error.code)
  assert.equal(await code([header, { type: 'checksum' }]), 'manifest_incomplete')
  assert.equal(await code([header, { type: 'checksum' }, { type: 'end', entries: 2 }]), 'manifest_incomplete')
  assert.equal(await code([header, { type: 'end', entries: 0 }, { type: 'checksum' }]), 'manifest_format')
  assert.equal(await code([{ ...header, format: 'other' }, { type: 'end', entries: 0 }]), 'manifest_format')
})

Deno.test('keys carry run numbers and ids only, and manifests sort by run', () => {
  const id = '0b0c6f9e-8a43-4c9e-9a57-9f2f1e6f0a11'
  assert.equal(artefactKeys.manifest(42, id), `manifests/000000000042-${id}.age`)
  assert.equal(manifestSeq(artefactKeys.manifest(42, id)), 42)
  assert.equal(manifestSeq('manifests/notes.txt'), null)
  assert.match(artefactKeys.file(id, 'Vertrag Müller.pdf'), /^files\/[0-9a-f-]+\/[a-z0-9_-]+\.age$/)
})
