// The client address as production sees it: the Caddy front keeps an X-Forwarded-For only when it
// comes from a trusted proxy and otherwise replaces it with the peer's address; Kong then appends
// the peer (kong/runloop/handler.lua) and sets X-Real-IP to it. Services read the client from the
// first entry (GoTrue's per-IP limits with GOTRUE_RATE_LIMIT_HEADER, the portal's audit log through
// PostgREST's request.headers), so a caller can claim an address only through a trusted proxy.
// DEVSTACK_TRUSTED_PROXIES lists them (addresses or CIDR ranges); the default trusts nobody.
import type { IncomingHttpHeaders } from 'node:http'
import { BlockList, isIP } from 'node:net'

export type TrustedProxies = BlockList

export function trustedProxies(list: string[]): TrustedProxies {
  const trusted = new BlockList()
  for (const entry of list) {
    const [address = '', prefix] = entry.split('/')
    const family = isIP(address)
    if (!family) throw new Error(`DEVSTACK_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`)
    const type = family === 6 ? 'ipv6' : 'ipv4'
    if (prefix === undefined) trusted.addAddress(address, type)
    else trusted.addSubnet(address, Number(prefix), type)
  }
  return trusted
}

const plainAddress = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '')

export function isTrusted(trusted: TrustedProxies, peerAddress: string): boolean {
  const address = plainAddress(peerAddress)
  const family = isIP(address)
  return family !== 0 && trusted.check(address, family === 6 ? 'ipv6' : 'ipv4')
}

export function addForwardingHeaders(headers: IncomingHttpHeaders, peerAddress: string | undefined, trusted: TrustedProxies): void {
  if (!peerAddress) return
  const peer = plainAddress(peerAddress)
  const forwarded = headers['x-forwarded-for']
  const prior = isTrusted(trusted, peer) ? (Array.isArray(forwarded) ? forwarded.join(', ') : forwarded) : undefined
  headers['x-forwarded-for'] = prior ? `${prior}, ${peer}` : peer
  headers['x-real-ip'] = peer
}
