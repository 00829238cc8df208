// One API origin on 127.0.0.1, routed as the self-hosted Supabase's Kong routes it: each service
// gets the request with its prefix stripped, the proxy headers (forwarding.ts), key-auth where Kong
// checks the apikey and the Authorization header Kong's request-transformer sets (keys.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { DevstackConfig } from '../config.ts'
import { sendJson } from '../shared/http.ts'
import { answerPreflight, applyCors } from './cors.ts'
import { addForwardingHeaders, trustedProxies } from './forwarding.ts'
import { keyAuthRefusal, kongAuthorization } from './keys.ts'

export interface HttpService {
  /** Path prefix on the gateway, e.g. `/auth/v1`. */
  prefix: string
  /** Whether the gateway answers CORS (true) or the service does (edge functions answer OPTIONS themselves). */
  gatewayCors?: boolean
  /** Kong's key-auth: the apikey must be one of the project's keys (Auth, REST and Realtime). */
  checksApiKey?: boolean
  /**
   * Paths (after the prefix) Kong routes without key-auth and without touching Authorization:
   * Auth's browser redirects and its JWKS.
   */
  openPaths?: string[]
  /**
   * Handles a request; `path` is the part after the prefix (with query string), `/` at least.
   * req.headers.authorization already is what Kong would forward.
   */
  handle: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>
  /** WebSocket upgrades under the prefix (Realtime). */
  upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer, path: string) => void
  close?: () => Promise<void>
}

/** Kong's route paths are prefixes: `/auth/v1/verify` also takes `/auth/v1/verify?…`. */
const isOpen = (service: HttpService, path: string) => (service.openPaths ?? []).some(open => path.startsWith(open))

export function createGateway(config: DevstackConfig, services: HttpService[]): Server {
  const trusted = trustedProxies(config.trustedProxies)
  const route = (rawUrl: string) => {
    // nginx (under Kong) merges repeated slashes in the path before routing (merge_slashes on).
    const queryAt = rawUrl.indexOf('?')
    const url = queryAt < 0 ? rawUrl.replace(/\/{2,}/g, '/') : `${rawUrl.slice(0, queryAt).replace(/\/{2,}/g, '/')}${rawUrl.slice(queryAt)}`
    for (const service of services) {
      if (url === service.prefix || url.startsWith(`${service.prefix}/`) || url.startsWith(`${service.prefix}?`)) {
        const rest = url.slice(service.prefix.length)
        return { service, path: rest.startsWith('/') ? rest : `/${rest}` }
      }
    }
    return null
  }
  /** Kong's key-auth answer, or null when the request may pass. */
  const keyAuth = (req: IncomingMessage, service: HttpService, path: string) => {
    if (!service.checksApiKey || isOpen(service, path)) return null
    const queryAt = path.indexOf('?')
    return keyAuthRefusal(req, new URLSearchParams(queryAt < 0 ? '' : path.slice(queryAt + 1)), config)
  }

  const server = createServer(async (req, res) => {
    const match = route(req.url ?? '/')
    if (!match) {
      applyCors(req, res)
      sendJson(res, 404, { message: 'no Route matched with those values' })
      return
    }
    try {
      if (match.service.gatewayCors !== false) {
        if (answerPreflight(req, res)) return
        applyCors(req, res)
      }
      const refusal = keyAuth(req, match.service, match.path)
      if (refusal) {
        sendJson(res, refusal.status, { message: refusal.message }, refusal.headers)
        return
      }
      addForwardingHeaders(req.headers, req.socket.remoteAddress, trusted)
      if (!isOpen(match.service, match.path)) {
        const authorization = kongAuthorization(req, config)
        if (authorization === undefined) delete req.headers.authorization
        else req.headers.authorization = authorization
      }
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
    const refusal = keyAuth(req, match.service, match.path)
    if (refusal) {
      const body = JSON.stringify({ message: refusal.message })
      const extra = Object.entries(refusal.headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')
      socket.end(`HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json; charset=utf-8\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
      return
    }
    addForwardingHeaders(req.headers, req.socket.remoteAddress, trusted)
    try {
      match.service.upgrade(req, socket, head, match.path)
    }
    catch (error) {
      console.error(`[${match.service.prefix}] upgrade ${req.url}:`, error)
      socket.end('HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n')
    }
  })
  return server
}
