// The wire protocol itself: serializer 1.0.0 (JSON objects) and 2.0.0 (JSON arrays plus binary
// user broadcasts), heartbeats, join replies, unmatched topics, refused connections, and
// broadcasts crossing between clients of different serializers.
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { testEnv } from '../helpers/env.ts'
import { closeRealtimeClients, Inbox, realtimeClient, subscribed, uniqueTopic, type BroadcastMessage } from '../helpers/realtime.ts'

afterAll(closeRealtimeClients)

const socketUrl = (params: Record<string, string>) =>
  `${testEnv.supabaseUrl.replace(/^http/, 'ws')}/realtime/v1/websocket?${new URLSearchParams(params)}`

/** A bare websocket: what the server sends, decoded as text JSON or kept as bytes. */
class RawSocket {
  readonly frames = new Inbox<unknown>()
  readonly ws: WebSocket
  readonly opened: Promise<void>
  readonly closed: Promise<void>

  constructor(params: Record<string, string>) {
    this.ws = new WebSocket(socketUrl(params))
    this.ws.binaryType = 'arraybuffer'
    this.ws.onmessage = event => this.frames.push(typeof event.data === 'string' ? JSON.parse(event.data) : new Uint8Array(event.data as ArrayBuffer))
    this.opened = new Promise((resolveOpen, rejectOpen) => {
      this.ws.onopen = () => resolveOpen()
      this.ws.onerror = () => rejectOpen(new Error('websocket refused'))
    })
    this.closed = new Promise(resolveClose => this.ws.addEventListener('close', () => resolveClose()))
    openSockets.add(this)
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame))
  }
}

const openSockets = new Set<RawSocket>()
afterEach(() => {
  for (const socket of openSockets) socket.ws.close()
  openSockets.clear()
})

describe('serializer 2.0.0 on the wire', () => {
  it('answers heartbeats and joins with arrays', async () => {
    const socket = new RawSocket({ apikey: testEnv.anonKey, vsn: '2.0.0' })
    await socket.opened
    socket.send([null, '1', 'phoenix', 'heartbeat', {}])
    expect(await socket.frames.next()).toEqual([null, '1', 'phoenix', 'phx_reply', { status: 'ok', response: {} }])
    const topic = `realtime:${uniqueTopic('raw')}`
    socket.send(['2', '2', topic, 'phx_join', { config: { broadcast: { self: true }, presence: { key: '', enabled: false }, postgres_changes: [], private: false }, access_token: testEnv.anonKey }])
    expect(await socket.frames.next(frame => Array.isArray(frame) && frame[1] === '2')).toEqual(['2', '2', topic, 'phx_reply', { status: 'ok', response: { postgres_changes: [] } }])
  })

  it('replies "unmatched topic" to events for channels that were never joined', async () => {
    const socket = new RawSocket({ apikey: testEnv.anonKey, vsn: '2.0.0' })
    await socket.opened
    socket.send(['9', '3', 'realtime:nobody-here', 'broadcast', { type: 'broadcast', event: 'x', payload: {} }])
    expect(await socket.frames.next()).toEqual(['9', '3', 'realtime:nobody-here', 'phx_reply', { status: 'error', response: { reason: 'unmatched topic' } }])
  })

  it('refuses connections without a valid apikey or with an unknown vsn', async () => {
    await expect(new RawSocket({ apikey: 'not-a-jwt', vsn: '2.0.0' }).opened).rejects.toThrow('websocket refused')
    await expect(new RawSocket({ vsn: '2.0.0' }).opened).rejects.toThrow('websocket refused')
    await expect(new RawSocket({ apikey: testEnv.anonKey, vsn: '3.0.0' }).opened).rejects.toThrow('websocket refused')
  })
})

describe('serializer 1.0.0 on the wire', () => {
  it('answers heartbeats and joins with objects', async () => {
    const socket = new RawSocket({ apikey: testEnv.anonKey, vsn: '1.0.0' })
    await socket.opened
    socket.send({ topic: 'phoenix', event: 'heartbeat', payload: {}, ref: '1' })
    expect(await socket.frames.next()).toMatchObject({ topic: 'phoenix', event: 'phx_reply', payload: { status: 'ok', response: {} }, ref: '1' })
    const topic = `realtime:${uniqueTopic('raw-v1')}`
    socket.send({ topic, event: 'phx_join', payload: { config: { postgres_changes: [] } }, ref: '2', join_ref: '2' })
    expect(await socket.frames.next(frame => (frame as { ref?: string }).ref === '2')).toMatchObject({ topic, event: 'phx_reply', payload: { status: 'ok', response: { postgres_changes: [] } }, ref: '2' })
  })
})

describe('broadcasts across serializers', () => {
  it('relays JSON broadcasts between 1.0.0 and 2.0.0 clients both ways', async () => {
    const topic = uniqueTopic('mixed')
    const atV1 = new Inbox<BroadcastMessage>()
    const atV2 = new Inbox<BroadcastMessage>()
    const v1 = await subscribed(realtimeClient({ vsn: '1.0.0' }).channel(topic, { config: { broadcast: { ack: true } } }).on('broadcast', { event: '*' }, atV1.push))
    const v2 = await subscribed(realtimeClient({ vsn: '2.0.0' }).channel(topic, { config: { broadcast: { ack: true } } }).on('broadcast', { event: '*' }, atV2.push))
    await v1.send({ type: 'broadcast', event: 'from-v1', payload: { text: 'Grüß Gott' } })
    await v2.send({ type: 'broadcast', event: 'from-v2', payload: { text: 'Moin' } })
    expect(await atV2.next()).toEqual({ type: 'broadcast', event: 'from-v1', payload: { text: 'Grüß Gott' } })
    expect(await atV1.next()).toEqual({ type: 'broadcast', event: 'from-v2', payload: { text: 'Moin' } })
  })

  it('delivers binary payloads to 2.0.0 clients as bytes and not to 1.0.0 clients', async () => {
    const topic = uniqueTopic('binary')
    const atV1 = new Inbox<BroadcastMessage>()
    const atV2 = new Inbox<{ event: string, payload: unknown }>()
    await subscribed(realtimeClient({ vsn: '1.0.0' }).channel(topic).on('broadcast', { event: '*' }, atV1.push))
    await subscribed(realtimeClient({ vsn: '2.0.0' }).channel(topic).on('broadcast', { event: '*' }, atV2.push))
    const sender = await subscribed(realtimeClient({ vsn: '2.0.0' }).channel(topic, { config: { broadcast: { ack: true } } }))
    await sender.send({ type: 'broadcast', event: 'bytes', payload: new Uint8Array([7, 0, 255]).buffer })
    await sender.send({ type: 'broadcast', event: 'json-after', payload: { n: 1 } })
    const bytes = await atV2.next(message => message.event === 'bytes')
    expect([...new Uint8Array(bytes.payload as ArrayBuffer)]).toEqual([7, 0, 255])
    await atV1.next(message => message.event === 'json-after')
    expect(atV1.items.map(message => message.event)).toEqual(['json-after'])
  })
})
