// The wire format against realtime-js's own serializer: what the client encodes we decode, what we
// encode the client decodes.
import { RealtimeClient } from '@supabase/supabase-js'
import { describe, expect, it } from 'vitest'
import { decodeBinary, decodeText, encodeReply, encodeText, encodeUserBroadcast, parseVsn, userBroadcastAsJson } from './protocol.ts'

// The serializer realtime-js uses for vsn 2.0.0 (the client is never connected).
const clientSerializer = new RealtimeClient('ws://127.0.0.1:9/realtime/v1', { params: { apikey: 'unused' } }).serializer
const clientEncode = (message: Parameters<typeof clientSerializer.encode>[0]) => clientSerializer.encode(message, (result: ArrayBuffer | string) => result) as ArrayBuffer | string
const clientDecode = (raw: ArrayBuffer | string) => clientSerializer.decode(raw, (message: unknown) => message) as Record<string, unknown>
const asArrayBuffer = (buffer: Buffer) => buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer

describe('vsn', () => {
  it('accepts 1.0.x and 2.0.x, defaults to 1.0.0 and refuses others', () => {
    expect(parseVsn(null)).toBe('1.0.0')
    expect(parseVsn('2.0.0')).toBe('2.0.0')
    expect(parseVsn('1.0.3')).toBe('1.0.0')
    expect(parseVsn('3.0.0')).toBeNull()
  })
})

describe('serializer 2.0.0', () => {
  it('decodes the client\'s JSON array pushes', () => {
    const text = clientEncode({ join_ref: '1', ref: '2', topic: 'realtime:room', event: 'phx_join', payload: { config: {} } }) as string
    expect(decodeText('2.0.0', text)).toEqual({ joinRef: '1', ref: '2', topic: 'realtime:room', event: 'phx_join', payload: { config: {} } })
  })

  it('decodes the client\'s kind-3 user broadcast push with a JSON payload', () => {
    const frame = clientEncode({ join_ref: '4', ref: '7', topic: 'realtime:räum', event: 'broadcast', payload: { type: 'broadcast', event: 'grüße', payload: { n: 1 } } })
    const message = decodeBinary(Buffer.from(frame as ArrayBuffer))
    expect(message).toMatchObject({ joinRef: '4', ref: '7', topic: 'realtime:räum', event: 'broadcast' })
    expect(message.payload.userEvent).toBe('grüße')
    expect(message.payload.encoding).toBe('json')
    expect(JSON.parse(message.payload.data.toString())).toEqual({ n: 1 })
  })

  it('decodes a binary user payload', () => {
    const bytes = new Uint8Array([0, 1, 255]).buffer
    const frame = clientEncode({ join_ref: '1', ref: '2', topic: 'realtime:t', event: 'broadcast', payload: { type: 'broadcast', event: 'bin', payload: bytes } })
    const message = decodeBinary(Buffer.from(frame as ArrayBuffer))
    expect(message.payload.encoding).toBe('binary')
    expect([...message.payload.data]).toEqual([0, 1, 255])
  })

  it('encodes a kind-4 user broadcast the client decodes, with metadata as meta', () => {
    const frame = encodeUserBroadcast('realtime:t', { userEvent: 'ev', encoding: 'json', data: Buffer.from('{"a":1}') }, { id: 'x' })
    expect(clientDecode(asArrayBuffer(frame))).toEqual({
      join_ref: null, ref: null, topic: 'realtime:t', event: 'broadcast',
      payload: { type: 'broadcast', event: 'ev', payload: { a: 1 }, meta: { id: 'x' } },
    })
  })

  it('encodes replies and pushes as arrays with an embedded payload', () => {
    expect(JSON.parse(encodeReply('2.0.0', '1', '3', 'phoenix', 'ok'))).toEqual(['1', '3', 'phoenix', 'phx_reply', { status: 'ok', response: {} }])
    expect(clientDecode(encodeText('2.0.0', null, null, 'realtime:t', 'broadcast', '{"n":12345678901234567890}'))).toMatchObject({ join_ref: null, topic: 'realtime:t', event: 'broadcast' })
  })

  it('refuses other binary kinds', () => {
    expect(() => decodeBinary(Buffer.from([0, 0, 0, 0, 0, 0, 0]))).toThrow(/kind 0/)
  })
})

describe('serializer 1.0.0', () => {
  it('reads objects and writes topic, event, payload and ref only', () => {
    expect(decodeText('1.0.0', '{"topic":"phoenix","event":"heartbeat","payload":{},"ref":"5"}')).toEqual({ joinRef: null, ref: '5', topic: 'phoenix', event: 'heartbeat', payload: {} })
    expect(JSON.parse(encodeReply('1.0.0', '1', '5', 'realtime:t', 'error', { reason: 'x' }))).toEqual({ topic: 'realtime:t', event: 'phx_reply', payload: { status: 'error', response: { reason: 'x' } }, ref: '5' })
  })

  it('gets JSON user broadcasts converted and binary ones dropped', () => {
    expect(JSON.parse(userBroadcastAsJson({ userEvent: 'e', encoding: 'json', data: Buffer.from('[1]') })!)).toEqual({ type: 'broadcast', event: 'e', payload: [1] })
    expect(userBroadcastAsJson({ userEvent: 'e', encoding: 'binary', data: Buffer.from([1]) })).toBeNull()
  })
})
