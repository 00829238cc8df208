// Performs one pg_net request the way pg_net's curl worker does (worker.c, core.c): method, URL,
// headers and body as queued, no redirects followed, one timeout for the whole exchange, and the
// outcome in the shape of a net._http_response row. Nothing is retried.
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'

export interface QueuedRequest {
  id: string
  method: string
  url: string
  headers: Record<string, unknown> | null
  body: Buffer | null
  timeout_milliseconds: number
}

export interface NetResponse {
  status_code: number | null
  content: string | null
  headers: Record<string, string> | null
  content_type: string | null
  timed_out: boolean
  error_msg: string | null
}

/** curl's messages for the failures a loopback request can meet (curl_easy_strerror). */
const curlMessages: Record<string, string> = {
  ECONNREFUSED: 'Couldn\'t connect to server',
  EHOSTUNREACH: 'Couldn\'t connect to server',
  ENOTFOUND: 'Couldn\'t resolve host name',
  EAI_AGAIN: 'Couldn\'t resolve host name',
  ECONNRESET: 'Failure when receiving data from the peer',
  EPIPE: 'Failure when sending data to the peer',
  HPE_INVALID_CONSTANT: 'Weird server reply',
}

export const failure = (error_msg: string, timed_out = false): NetResponse =>
  ({ status_code: null, content: null, headers: null, content_type: null, timed_out, error_msg })

export function send(request: QueuedRequest, url: URL): Promise<NetResponse> {
  const started = performance.now()
  let connectedAt: number | undefined
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    headers[name] = typeof value === 'string' ? value : JSON.stringify(value)
  }
  const names = new Set(Object.keys(headers).map(name => name.toLowerCase()))
  if (!names.has('user-agent')) headers['User-Agent'] = 'pg_net/0.19.5'
  if (request.body && !names.has('content-length')) headers['Content-Length'] = String(request.body.length)

  return new Promise((resolveResponse) => {
    let settled = false
    const settle = (response: NetResponse) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolveResponse(response)
    }
    const requestFn = url.protocol === 'https:' ? httpsRequest : httpRequest
    const outgoing = requestFn(url, { method: request.method, headers })
    const timer = setTimeout(() => {
      const total = performance.now() - started
      const handshake = (connectedAt ?? started) - started
      settle(failure(`Timeout of ${request.timeout_milliseconds} ms reached. Total time: ${total.toFixed(3)} ms `
        + `(DNS time: 0.000 ms, TCP/SSL handshake time: ${handshake.toFixed(3)} ms, HTTP Request/Response time: ${(total - handshake).toFixed(3)} ms)`, true))
      outgoing.destroy()
    }, request.timeout_milliseconds)

    outgoing.on('socket', socket => socket.once('connect', () => (connectedAt = performance.now())))
    outgoing.on('response', (answer: IncomingMessage) => {
      const chunks: Buffer[] = []
      answer.on('data', (chunk: Buffer) => chunks.push(chunk))
      answer.on('error', (error: NodeJS.ErrnoException) => settle(failure(curlMessages[error.code ?? ''] ?? error.message)))
      answer.on('end', () => {
        // pg_net stores the body as a C string: it ends at the first NUL byte; empty means NULL.
        const text = Buffer.concat(chunks).toString('utf8').split('\0')[0] ?? ''
        const responseHeaders: Record<string, string> = {}
        for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) responseHeaders[answer.rawHeaders[i]!] = answer.rawHeaders[i + 1]!
        settle({
          status_code: answer.statusCode ?? null,
          content: text === '' ? null : text,
          headers: responseHeaders,
          content_type: answer.headers['content-type'] ?? null,
          timed_out: false,
          error_msg: null,
        })
      })
    })
    outgoing.on('error', (error: NodeJS.ErrnoException) => settle(failure(curlMessages[error.code ?? ''] ?? error.message)))
    outgoing.end(request.body ?? undefined)
  })
}
