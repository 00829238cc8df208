import type { IncomingHttpHeaders } from 'node:http'
import { describe, expect, it } from 'vitest'
import { addForwardingHeaders } from './forwarding.ts'

const forwarded = (headers: IncomingHttpHeaders, peer: string | undefined) => {
  addForwardingHeaders(headers, peer)
  return { for: headers['x-forwarded-for'], realIp: headers['x-real-ip'] }
}

describe('addForwardingHeaders', () => {
  it('names the peer when the caller sent no X-Forwarded-For', () => {
    expect(forwarded({}, '127.0.0.1')).toEqual({ for: '127.0.0.1', realIp: '127.0.0.1' })
  })

  it('appends the peer to the caller\'s chain, so its first entry stays the caller\'s claim', () => {
    expect(forwarded({ 'x-forwarded-for': '203.0.113.7, 10.0.0.2' }, '127.0.0.1')).toEqual({ for: '203.0.113.7, 10.0.0.2, 127.0.0.1', realIp: '127.0.0.1' })
  })

  it('replaces an X-Real-IP the caller made up', () => {
    expect(forwarded({ 'x-real-ip': '198.51.100.1' }, '127.0.0.1').realIp).toBe('127.0.0.1')
  })

  it('leaves the headers alone when the socket has no address', () => {
    expect(forwarded({ 'x-forwarded-for': '203.0.113.7' }, undefined)).toEqual({ for: '203.0.113.7', realIp: undefined })
  })
})
