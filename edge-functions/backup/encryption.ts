// age encryption of every artefact, streamed (64 KiB chunks, authenticated, truncation detected),
// to the configured X25519 recipients. The server knows only their public keys: it can write
// backups and never read them. Decryption (the restore) needs an AGE-SECRET-KEY-1 identity.
import { createHash } from 'node:crypto'
import { Decrypter, Encrypter } from 'age-encryption'

const recipientPattern = /^age1[02-9ac-hj-np-z]{58}$/

/** The configured recipients, one `age1…` public key per entry (comma, space or newline separated). */
export function parseRecipients(text: string): string[] {
  const recipients = text.split(/[\s,]+/).map(entry => entry.trim()).filter(Boolean)
  if (recipients.length === 0 || recipients.some(entry => !recipientPattern.test(entry))) {
    throw new Error('backup_recipients must list age X25519 public keys (age1…, 62 characters each)')
  }
  return recipients
}

export async function encryptStream(recipients: string[], plaintext: ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array>> {
  const encrypter = new Encrypter()
  for (const recipient of recipients) encrypter.addRecipient(recipient)
  return await encrypter.encrypt(plaintext)
}

export async function decryptStream(identity: string, ciphertext: ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array>> {
  const decrypter = new Decrypter()
  decrypter.addIdentity(identity.trim())
  return await decrypter.decrypt(ciphertext)
}

export interface Measurement { bytes: number, sha256: string }

/** A pass-through that counts bytes and hashes them; `result()` is ready once the stream ended. */
export function meter(): { stream: TransformStream<Uint8Array, Uint8Array>, result: () => Measurement } {
  const hash = createHash('sha256')
  let bytes = 0
  let digest: string | undefined
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      hash.update(chunk)
      bytes += chunk.byteLength
      controller.enqueue(chunk)
    },
    flush() {
      digest = hash.digest('hex')
    },
  })
  return {
    stream,
    result: () => {
      if (digest === undefined) throw new Error('the stream has not ended')
      return { bytes, sha256: digest }
    },
  }
}

/** Text lines as a byte stream, pulled one batch at a time (backpressure reaches the source). */
export function lineStream(lines: AsyncIterable<string[]>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  const iterator = lines[Symbol.asyncIterator]()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const next = await iterator.next()
        if (next.done) return controller.close()
        if (next.value.length > 0) return controller.enqueue(encoder.encode(`${next.value.join('\n')}\n`))
      }
    },
    async cancel() {
      await iterator.return?.()
    },
  })
}

/** Splits a byte stream into lines (UTF-8), for manifests and change logs. */
export async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder()
  let rest = ''
  for await (const chunk of stream) {
    rest += decoder.decode(chunk, { stream: true })
    let newline = rest.indexOf('\n')
    while (newline >= 0) {
      yield rest.slice(0, newline)
      rest = rest.slice(newline + 1)
      newline = rest.indexOf('\n')
    }
  }
  rest += decoder.decode()
  if (rest) yield rest
}
