import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { generateX25519Identity, identityToRecipient } from 'age-encryption'
import { decryptStream, encryptStream, lineStream, meter, parseRecipients, readLines } from './encryption.ts'
import { copyTextLine } from './run.ts'

const bytesOf = async (stream: ReadableStream<Uint8Array>) => new Uint8Array(await new Response(stream).arrayBuffer())
const streamOf = (bytes: Uint8Array) => new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()

Deno.test('artefacts decrypt with the private key only, byte for byte, and hide their plaintext', async () => {
  const identity = await generateX25519Identity()
  const plaintext = new TextEncoder().encode('Mandantin Erika Musterfrau, erika@example.org\n'.repeat(5000))
  const ciphertext = await bytesOf(await encryptStream([await identityToRecipient(identity)], streamOf(plaintext)))
  assert.equal(new TextDecoder().decode(ciphertext).includes('Musterfrau'), false)
  assert.deepEqual(await bytesOf(await decryptStream(identity, streamOf(ciphertext))), plaintext)
  const stranger = await generateX25519Identity()
  await assert.rejects(async () => await bytesOf(await decryptStream(stranger, streamOf(ciphertext))))
})

Deno.test('a changed or cut ciphertext does not decrypt', async () => {
  const identity = await generateX25519Identity()
  const ciphertext = await bytesOf(await encryptStream([await identityToRecipient(identity)], streamOf(new Uint8Array(200_000).fill(7))))
  const changed = ciphertext.slice()
  changed[changed.length - 100]! ^= 1
  await assert.rejects(async () => await bytesOf(await decryptStream(identity, streamOf(changed))))
  await assert.rejects(async () => await bytesOf(await decryptStream(identity, streamOf(ciphertext.slice(0, ciphertext.length - 70_000)))))
})

Deno.test('recipients must be age X25519 public keys', async () => {
  const recipient = await identityToRecipient(await generateX25519Identity())
  assert.deepEqual(parseRecipients(`${recipient},\n${recipient}`), [recipient, recipient])
  assert.throws(() => parseRecipients(''))
  assert.throws(() => parseRecipients('AGE-SECRET-KEY-1QQQ'))
})

Deno.test('meter counts and hashes what passes; lines survive the round trip', async () => {
  const measured = meter()
  const text = await new Response(lineStream((async function* () {
    yield ['a', 'b']
    yield []
    yield ['c']
  })()).pipeThrough(measured.stream)).text()
  assert.equal(text, 'a\nb\nc\n')
  assert.equal(measured.result().bytes, 6)
  assert.equal(measured.result().sha256, createHash('sha256').update('a\nb\nc\n').digest('hex'))
  const lines = []
  for await (const line of readLines(streamOf(new TextEncoder().encode('x\ny')))) lines.push(line)
  assert.deepEqual(lines, ['x', 'y'])
})

Deno.test('table rows take COPY text format: tabs, newlines and backslashes escaped, null as \\N', () => {
  assert.equal(copyTextLine(['a\tb', null, 'c\\d\ne\r']), 'a\\tb\t\\N\tc\\\\d\\ne\\r')
})
