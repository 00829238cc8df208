// A small S3 client for the backup bucket over aws4fetch (SigV4): only what backups need. Uploads
// stream in parts of `partSize` (multipart above one part), so memory stays at about one part
// whatever the object's size. Every upload is verified: each part's ETag against its MD5 (and
// Content-MD5 lets the server refuse a part damaged on the way), then the object's size and ETag
// by HEAD, before the caller may count it as stored.
import { Buffer } from 'node:buffer'
import { createHash } from 'node:crypto'
import { AwsClient } from 'aws4fetch'

export interface S3Target {
  endpoint: string
  region: string
  bucket: string
  accessKeyId: string
  secretAccessKey: string
  /** Prepended to every key (e.g. `kanzlei/`). */
  prefix: string
  /** `https://host/bucket/key` (default) instead of `https://bucket.host/key`. */
  pathStyle: boolean
}

export interface StoredObject { key: string, bytes: number, etag: string }

export class S3Error extends Error {
  constructor(readonly code: 'upload_failed' | 'upload_verification_failed' | 'download_failed' | 's3_request_failed', message: string) {
    super(message)
  }
}

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes)

const unquote = (etag: string | null) => (etag ?? '').replace(/^W\//, '').replaceAll('"', '')

/** Values of one XML element (S3's answers are flat enough for this). */
export function xmlValues(xml: string, element: string): string[] {
  const values: string[] = []
  for (const match of xml.matchAll(new RegExp(`<${element}>([\\s\\S]*?)</${element}>`, 'g'))) {
    values.push(match[1]!.replaceAll('&quot;', '"').replaceAll('&apos;', '\'').replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>').replaceAll('&amp;', '&'))
  }
  return values
}

const escapeXml = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')

/** Reads a byte stream in pieces of exactly `size` bytes (the last one shorter). */
async function* chunked(stream: ReadableStream<Uint8Array>, size: number): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  let buffer = new Uint8Array(size)
  let filled = 0
  for await (const chunk of stream) {
    let offset = 0
    while (offset < chunk.byteLength) {
      const take = Math.min(size - filled, chunk.byteLength - offset)
      buffer.set(chunk.subarray(offset, offset + take), filled)
      filled += take
      offset += take
      if (filled === size) {
        yield buffer
        buffer = new Uint8Array(size)
        filled = 0
      }
    }
  }
  if (filled > 0) yield buffer.subarray(0, filled)
}

export class S3Client {
  private readonly aws: AwsClient
  readonly target: S3Target
  readonly partSize: number

  constructor(target: S3Target, options: { partSize?: number } = {}) {
    this.target = target
    this.partSize = options.partSize ?? 8 * 1024 * 1024
    this.aws = new AwsClient({ accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey, service: 's3', region: target.region })
  }

  bucketUrl(query = ''): string {
    const endpoint = new URL(this.target.endpoint)
    const base = this.target.pathStyle
      ? `${endpoint.origin}/${encodeURIComponent(this.target.bucket)}`
      : `${endpoint.protocol}//${this.target.bucket}.${endpoint.host}`
    return query ? `${base}/?${query}` : base
  }

  url(key: string, query = ''): string {
    const path = `${this.target.prefix}${key}`.split('/').map(encodeURIComponent).join('/')
    return `${this.bucketUrl()}/${path}${query ? `?${query}` : ''}`
  }

  private async request(method: string, url: string, init: { body?: Uint8Array<ArrayBuffer> | string, headers?: Record<string, string> } = {}, code: S3Error['code'] = 's3_request_failed'): Promise<Response> {
    let response: Response
    try {
      response = await this.aws.fetch(url, { method, body: init.body, headers: init.headers })
    }
    catch (error) {
      throw new S3Error(code, `${method} ${new URL(url).pathname}: ${error instanceof Error ? error.message : error}`)
    }
    if (!response.ok && response.status !== 404) {
      const text = await response.text().catch(() => '')
      throw new S3Error(code, `${method} ${new URL(url).pathname}: HTTP ${response.status} ${xmlValues(text, 'Code')[0] ?? ''}`.trim())
    }
    return response
  }

  /**
   * Streams `body` into `key`. `onMultipart` learns the upload id before the first part goes out,
   * so a crash leaves something the clean-up can abort.
   */
  async upload(key: string, body: ReadableStream<Uint8Array>, onMultipart?: (uploadId: string) => Promise<void>): Promise<StoredObject> {
    const parts = chunked(body, this.partSize)
    const first = await parts.next()
    const firstPart = first.done ? new Uint8Array(0) : first.value
    const second = first.done ? first : await parts.next()
    if (second.done) return this.putSingle(key, firstPart)

    const created = await this.request('POST', this.url(key, 'uploads'), {}, 'upload_failed')
    const uploadId = xmlValues(await created.text(), 'UploadId')[0]
    if (!uploadId) throw new S3Error('upload_failed', `no UploadId for ${key}`)
    await onMultipart?.(uploadId)
    const etags: string[] = []
    const digests: Uint8Array[] = []
    const whole = createHash('md5')
    let bytes = 0
    const sendPart = async (part: Uint8Array<ArrayBuffer>) => {
      const digest = md5(part).digest()
      const number = etags.length + 1
      const response = await this.request('PUT', this.url(key, `partNumber=${number}&uploadId=${encodeURIComponent(uploadId)}`), {
        body: part, headers: { 'Content-MD5': digest.toString('base64') },
      }, 'upload_failed')
      const etag = unquote(response.headers.get('etag'))
      await response.body?.cancel()
      if (etag !== digest.toString('hex')) throw new S3Error('upload_verification_failed', `part ${number} of ${key}: ETag ${etag} is not its MD5`)
      etags.push(etag)
      digests.push(digest)
      whole.update(part)
      bytes += part.byteLength
    }
    await sendPart(firstPart)
    await sendPart(second.value)
    for await (const part of parts) await sendPart(part)
    const completion = `<CompleteMultipartUpload>${etags.map((etag, index) =>
      `<Part><PartNumber>${index + 1}</PartNumber><ETag>"${escapeXml(etag)}"</ETag></Part>`).join('')}</CompleteMultipartUpload>`
    const completed = await this.request('POST', this.url(key, `uploadId=${encodeURIComponent(uploadId)}`), { body: completion }, 'upload_failed')
    const answer = await completed.text()
    if (xmlValues(answer, 'Code').length > 0) throw new S3Error('upload_failed', `completing ${key}: ${xmlValues(answer, 'Code')[0]}`)
    // S3 answers the MD5 of the parts' MD5s with the part count; some compatible servers the object's MD5.
    return this.verify(key, bytes, [`${md5(Buffer.concat(digests)).digest('hex')}-${etags.length}`, whole.digest('hex')])
  }

  private async putSingle(key: string, body: Uint8Array<ArrayBuffer>): Promise<StoredObject> {
    const digest = md5(body).digest()
    const response = await this.request('PUT', this.url(key), { body, headers: { 'Content-MD5': digest.toString('base64') } }, 'upload_failed')
    await response.body?.cancel()
    return this.verify(key, body.byteLength, [digest.toString('hex')])
  }

  /** The stored object must be exactly what was sent: size and ETag (MD5, or MD5 of part MD5s). */
  private async verify(key: string, bytes: number, etags: string[]): Promise<StoredObject> {
    const head = await this.head(key)
    if (!head) throw new S3Error('upload_verification_failed', `${key} is missing after its upload`)
    if (head.bytes !== bytes || !etags.includes(head.etag)) {
      throw new S3Error('upload_verification_failed', `${key}: stored ${head.bytes} bytes with ETag ${head.etag}, sent ${bytes} bytes with ${etags.join(' or ')}`)
    }
    return head
  }

  async head(key: string): Promise<StoredObject | null> {
    const response = await this.request('HEAD', this.url(key))
    if (response.status === 404) return null
    return { key, bytes: Number(response.headers.get('content-length')), etag: unquote(response.headers.get('etag')) }
  }

  async download(key: string): Promise<ReadableStream<Uint8Array>> {
    const response = await this.request('GET', this.url(key), {}, 'download_failed')
    if (response.status === 404 || !response.body) throw new S3Error('download_failed', `${key} is not in the bucket`)
    return response.body
  }

  /** Every key under a prefix (relative to the target's prefix), in S3's (lexical) order. */
  async list(prefix: string): Promise<StoredObject[]> {
    const objects: StoredObject[] = []
    let token: string | undefined
    do {
      const query = new URLSearchParams({ 'list-type': '2', 'prefix': `${this.target.prefix}${prefix}` })
      if (token) query.set('continuation-token', token)
      const response = await this.request('GET', this.bucketUrl(query.toString()))
      const xml = await response.text()
      const keys = xmlValues(xml, 'Key')
      const sizes = xmlValues(xml, 'Size')
      const etags = xmlValues(xml, 'ETag')
      keys.forEach((key, index) => objects.push({ key: key.slice(this.target.prefix.length), bytes: Number(sizes[index]), etag: unquote(etags[index] ?? '') }))
      token = xmlValues(xml, 'IsTruncated')[0] === 'true' ? xmlValues(xml, 'NextContinuationToken')[0] : undefined
    } while (token)
    return objects
  }

  async delete(keys: string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += 1000) {
      const batch = keys.slice(start, start + 1000)
      const body = `<Delete><Quiet>true</Quiet>${batch.map(key => `<Object><Key>${escapeXml(`${this.target.prefix}${key}`)}</Key></Object>`).join('')}</Delete>`
      const response = await this.request('POST', this.bucketUrl('delete'), {
        body, headers: { 'Content-MD5': md5(new TextEncoder().encode(body)).digest('base64'), 'Content-Type': 'application/xml' },
      })
      const errors = xmlValues(await response.text(), 'Error')
      if (errors.length > 0) throw new S3Error('s3_request_failed', `deleting ${errors.length} objects failed: ${xmlValues(errors[0]!, 'Code')[0] ?? ''}`)
    }
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    const response = await this.request('DELETE', this.url(key, `uploadId=${encodeURIComponent(uploadId)}`))
    await response.body?.cancel()
  }
}
