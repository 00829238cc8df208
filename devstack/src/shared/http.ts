// Small HTTP helpers shared by the devstack's services.
import type { IncomingMessage, ServerResponse } from 'node:http'

export class PayloadTooLargeError extends Error {}

/**
 * Reads a whole request body into memory, refusing bodies over `limitBytes`. The rest of a body
 * that is too large is read and dropped, so the client gets the refusal instead of a reset.
 */
export function readBody(req: IncomingMessage, limitBytes = 10 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= limitBytes) chunks.push(chunk)
    })
    req.once('end', () => {
      if (size > limitBytes) rejectBody(new PayloadTooLargeError(`request body exceeds ${limitBytes} bytes`))
      else resolveBody(Buffer.concat(chunks))
    })
    req.once('error', rejectBody)
  })
}

/** Parses a JSON body; an empty body is `{}` as the Go and Haskell servers treat it. */
export async function readJson<T = unknown>(req: IncomingMessage, limitBytes?: number): Promise<T> {
  const body = await readBody(req, limitBytes)
  if (body.length === 0) return {} as T
  return JSON.parse(body.toString('utf8')) as T
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

export function sendText(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ...headers })
  res.end(body)
}

/** The bearer token of an Authorization header, or null. */
export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization
  if (!header) return null
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match ? match[1]! : null
}

/** The caller's address as the services record it (loopback only on the devstack). */
export function clientIp(req: IncomingMessage): string {
  return req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1'
}
