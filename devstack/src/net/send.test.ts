import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readBody } from '../shared/http.ts'
import { send, type QueuedRequest } from './send.ts'

let server: Server
let origin: string
const seen: Array<{ method?: string, url?: string, headers: IncomingMessage['headers'], body: string }> = []

beforeAll(async () => {
  server = createServer(async (req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers, body: (await readBody(req)).toString() })
    if (req.url === '/slow') return setTimeout(() => res.end('late'), 2_000)
    if (req.url === '/redirect') return res.writeHead(302, { Location: '/elsewhere' }).end()
    if (req.url === '/empty') return res.writeHead(204).end()
    res.writeHead(201, { 'Content-Type': 'application/json', 'X-Answer': '42' }).end('{"ok":true}')
  })
  await new Promise<void>(resolveListen => server.listen(0, '127.0.0.1', resolveListen))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => {
  server.closeAllConnections()
  server.close()
})

const queued = (path: string, overrides: Partial<QueuedRequest> = {}): [QueuedRequest, URL] => [
  { id: '1', method: 'POST', url: `${origin}${path}`, headers: { 'Content-Type': 'application/json', 'X-Trace': 'abc' }, body: Buffer.from('{"a":1}'), timeout_milliseconds: 1000, ...overrides },
  new URL(`${origin}${path}`),
]

describe('send (pg_net request)', () => {
  it('sends method, headers and body as queued and returns the response as pg_net records it', async () => {
    const response = await send(...queued('/hook?x=1'))
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/hook?x=1', body: '{"a":1}' })
    expect(seen.at(-1)!.headers).toMatchObject({ 'content-type': 'application/json', 'x-trace': 'abc', 'user-agent': 'pg_net/0.19.5' })
    expect(response).toMatchObject({ status_code: 201, content: '{"ok":true}', content_type: 'application/json', timed_out: false, error_msg: null })
    expect(response.headers).toMatchObject({ 'Content-Type': 'application/json', 'X-Answer': '42' })
  })

  it('records an empty body as NULL and does not follow redirects', async () => {
    expect(await send(...queued('/empty', { method: 'GET', body: null }))).toMatchObject({ status_code: 204, content: null })
    expect(await send(...queued('/redirect', { method: 'GET', body: null }))).toMatchObject({ status_code: 302, content: null })
    expect(seen.some(request => request.url === '/elsewhere')).toBe(false)
  })

  it('gives up after timeout_milliseconds with timed_out and no status', async () => {
    const response = await send(...queued('/slow', { timeout_milliseconds: 50 }))
    expect(response).toMatchObject({ status_code: null, content: null, timed_out: true })
    expect(response.error_msg).toMatch(/^Timeout of 50 ms reached\. Total time: /)
  })

  it('reports a refused connection with curl\'s message', async () => {
    const closed = new URL('http://127.0.0.1:1/')
    const response = await send({ ...queued('/')[0], url: closed.href }, closed)
    expect(response).toMatchObject({ status_code: null, timed_out: false, error_msg: 'Couldn\'t connect to server' })
  })
})
