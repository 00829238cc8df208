import type { IncomingHttpHeaders } from 'node:http'
import { describe, expect, it } from 'vitest'
import { addForwardingHeaders, trustedProxies } from './forwarding.ts'

const forwarded = (headers: IncomingHttpHeaders, peer: string | undefined, trusted: string[] = []) => {
  addForwardingHeaders(headers, peer, trustedProxies(trusted))
  return { for: headers['x-forwarded-for'], realIp: headers['x-real-ip'] }
}

describe('addForwardingHeaders', () => {
  it('names the peer when the caller sent no X-Forwarded-For', () => {
    expect(forwarded({}, '127.0.0.1')).toEqual({ for: '127.0.0.1', realIp: '127.0.0.1' })
  })

  it('replaces the chain an untrusted peer sends, so it cannot choose its address', () => {
    expect(forwarded({ 'x-forwarded-for': '203.0.113.7, 10.0.0.2' }, '127.0.0.2', ['127.0.0.1'])).toEqual({ for: '127.0.0.2', realIp: '127.0.0.2' })
  })

  it('appends a trusted proxy to its chain, so the first entry stays the client it names', () => {
    expect(forwarded({ 'x-forwarded-for': '203.0.113.7, 10.0.0.2' }, '127.0.0.1', ['127.0.0.1'])).toEqual({ for: '203.0.113.7, 10.0.0.2, 127.0.0.1', realIp: '127.0.0.1' })
  })

  it('trusts whole CIDR ranges and IPv4-mapped peers', () => {
    expect(forwarded({ 'x-forwarded-for': '198.51.100.4' }, '::ffff:10.1.2.3', ['10.0.0.0/8']).for).toBe('198.51.100.4, 10.1.2.3')
  })

  it('replaces an X-Real-IP the caller made up', () => {
    expect(forwarded({ 'x-real-ip': '198.51.100.1' }, '127.0.0.1').realIp).toBe('127.0.0.1')
  })

  it('leaves the headers alone when the socket has no address', () => {
    expect(forwarded({ 'x-forwarded-for': '203.0.113.7' }, undefined)).toEqual({ for: '203.0.113.7', realIp: undefined })
  })

  it('refuses an entry that is no address', () => {
    expect(() => trustedProxies(['caddy'])).toThrow(/not an IP address/)
  })
})
