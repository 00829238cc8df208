// One API origin on 127.0.0.1, paths as the Supabase CLI's gateway: each service gets the request
// with its prefix stripped, Kong's X-Forwarded-For/X-Real-IP, and the Authorization header
// translated from the apikey.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { DevstackConfig } from '../config.ts'
import { sendJson } from '../shared/http.ts'
import { answerPreflight, applyCors } from './cors.ts'
import { addForwardingHeaders } from './forwarding.ts'
import { translateAuthorization } from './keys.ts'

export interface HttpService {
  /** Path prefix on the gateway, e.g. `/auth/v1`. */
  prefix: string
  /** Whether the gateway answers CORS (true) or the service does (edge functions answer OPTIONS themselves). */
  gatewayCors?: boolean
  /**
   * Handles a request; `path` is the part after the prefix (with query string), `/` at least.
   * req.headers.authorization already carries the translated bearer.
   */
  handle: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>
  /** WebSocket upgrades under the prefix (Realtime). */
  upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer, path: string) => void
  close?: () => Promise<void>
}

export function createGateway(config: DevstackConfig, services: HttpService[]): Server {
  const route = (url: string) => {
    for (const service of services) {
      if (url === service.prefix || url.startsWith(`${service.prefix}/`) || url.startsWith(`${service.prefix}?`)) {
        const rest = url.slice(service.prefix.length)
        return { service, path: rest.startsWith('/') ? rest : `/${rest}` }
      }
    }
    return null
  }

  const server = createServer(async (req, res) => {
    const match = route(req.url ?? '/')
    if (!match) {
      applyCors(req, res)
      sendJson(res, 404, { message: 'no Route matched with those values' })
      return
    }
    if (match.service.gatewayCors !== false) {
      if (answerPreflight(req, res)) return
      applyCors(req, res)
    }
    addForwardingHeaders(req.headers, req.socket.remoteAddress)
    const queryKey = new URL(req.url ?? '/', 'http://localhost').searchParams.get('apikey')
    const authorization = translateAuthorization(req.headers, config, queryKey)
    if (authorization) req.headers.authorization = authorization
    else delete req.headers.authorization
    try {
      await match.service.handle(req, res, match.path)
    }
    catch (error) {
      console.error(`[${match.service.prefix}] ${req.method} ${req.url}:`, error)
      if (!res.headersSent) sendJson(res, 500, { message: 'An unexpected error occurred in the devstack', code: 'unexpected_failure' })
      else res.destroy()
    }
  })

  // Node ends any request still being received after 5 minutes; a 200 MiB upload from a slow
  // network may need longer. The header timeout still guards against idle connections.
  server.requestTimeout = 0

  server.on('upgrade', (req, socket, head) => {
    const match = route(req.url ?? '/')
    if (!match?.service.upgrade) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n')
      return
    }
    addForwardingHeaders(req.headers, req.socket.remoteAddress)
    match.service.upgrade(req, socket, head, match.path)
  })
  return server
}
