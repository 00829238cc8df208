// Against a real S3-compatible server: s3rver from node_modules, in its own process group.
import assert from 'node:assert/strict'
import { S3Client, S3Error } from './s3.ts'

const root = new URL('../../', import.meta.url).pathname
const port = 45000 + Math.floor(Math.random() * 10000)

async function withServer(test: (client: S3Client, stop: () => void) => Promise<void>): Promise<void> {
  const directory = await Deno.makeTempDir()
  const server = new Deno.Command(`${root}node_modules/.bin/s3rver`, {
    args: ['-d', directory, '-a', '127.0.0.1', '-p', String(port), '--silent', '--no-vhost-buckets', '--configure-bucket', 'backups'],
    stdout: 'null', stderr: 'null',
  }).spawn()
  let stopped = false
  const stop = () => {
    if (!stopped) server.kill('SIGKILL')
    stopped = true
  }
  try {
    for (let attempt = 0; ; attempt++) {
      const answer = await fetch(`http://127.0.0.1:${port}/`).catch(() => null)
      if (answer) {
        await answer.body?.cancel()
        break
      }
      if (attempt > 100) throw new Error('s3rver did not start')
      await new Promise(resolveWait => setTimeout(resolveWait, 100))
    }
    const client = new S3Client({
      endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', bucket: 'backups', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', prefix: 'kanzlei/', pathStyle: true,
    }, { partSize: 5 * 1024 * 1024 })
    await test(client, stop)
  }
  finally {
    stop()
    await server.status
    await Deno.remove(directory, { recursive: true })
  }
}

const streamOf = (bytes: Uint8Array) => new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
const random = (size: number) => {
  const bytes = new Uint8Array(size)
  for (let offset = 0; offset < size; offset += 65536) crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65536)))
  return bytes
}

Deno.test({
  name: 'small objects go up in one verified PUT, large ones in verified parts; list, download and delete see them',
  sanitizeResources: false,
  fn: () => withServer(async (client) => {
    const small = random(1000)
    const large = random(11 * 1024 * 1024 + 17)
    let uploadId: string | undefined
    assert.equal((await client.upload('runs/1/small.age', streamOf(small))).bytes, 1000)
    const stored = await client.upload('runs/1/large.age', streamOf(large), async (id) => {
      uploadId = id
    })
    assert.ok(uploadId, 'the upload id is known before the first part')
    assert.equal(stored.bytes, large.byteLength)
    assert.deepEqual((await client.list('runs/')).map(object => [object.key, object.bytes]), [['runs/1/large.age', large.byteLength], ['runs/1/small.age', 1000]])
    assert.deepEqual(new Uint8Array(await new Response(await client.download('runs/1/large.age')).arrayBuffer()), large)
    await client.delete(['runs/1/small.age', 'runs/1/large.age'])
    assert.deepEqual(await client.list('runs/'), [])
    assert.equal(await client.head('runs/1/small.age'), null)
  }),
})

Deno.test({
  name: 'a server that goes away mid-upload fails the upload with upload_failed',
  sanitizeResources: false,
  fn: () => withServer(async (client, stop) => {
    const endless = new ReadableStream<Uint8Array>({
      start: () => {},
      pull: async (controller) => {
        controller.enqueue(random(1024 * 1024))
        await new Promise(resolveWait => setTimeout(resolveWait, 5))
      },
    })
    setTimeout(stop, 300)
    await assert.rejects(client.upload('runs/2/big.age', endless), (error: unknown) => error instanceof S3Error && error.code === 'upload_failed')
  }),
})
