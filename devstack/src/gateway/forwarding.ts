// The proxy headers Kong adds in front of every service (kong/runloop/handler.lua): the peer's
// address appended to X-Forwarded-For (or the header set to it when the caller sent none), and
// X-Real-IP set to the peer. Services read the client address from them (GoTrue's per-IP limits,
// the portal's audit log through PostgREST's request.headers, Realtime's policies).
import type { IncomingHttpHeaders } from 'node:http'

export function addForwardingHeaders(headers: IncomingHttpHeaders, peerAddress: string | undefined): void {
  if (!peerAddress) return
  const forwarded = headers['x-forwarded-for']
  const prior = Array.isArray(forwarded) ? forwarded.join(', ') : forwarded
  headers['x-forwarded-for'] = prior ? `${prior}, ${peerAddress}` : peerAddress
  headers['x-real-ip'] = peerAddress
}
