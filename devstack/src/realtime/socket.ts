// One websocket (Phoenix's socket process): the serializer chosen by `vsn`, heartbeats on the
// `phoenix` topic, and the routing of channel events. Each topic has its own queue, so a slow join
// (RLS check, the error back-off) holds up neither heartbeats nor other channels, while events
// of one channel keep their order, as with Phoenix's process per channel.
import type { IncomingMessage } from 'node:http'
import type { WebSocket } from 'ws'
import { Channel, type ChannelSocket } from './channel.ts'
import type { RealtimeContext } from './context.ts'
import { decodeBinary, decodeText, encodeReply, type InboundMessage, type Vsn } from './protocol.ts'

/** The `x-…` headers of the upgrade request, which Realtime hands to policies as `request.headers`. */
export function policyHeaders(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(Object.entries(req.headers)
    .filter((entry): entry is [string, string] => entry[0].startsWith('x-') && typeof entry[1] === 'string'))
}

export class RealtimeSocket implements ChannelSocket {
  readonly vsn: Vsn
  readonly apiKeyToken: string
  readonly headers: Record<string, string>
  private readonly context: RealtimeContext
  private readonly ws: WebSocket
  private readonly channels = new Map<string, Channel>()
  private readonly queues = new Map<string, Promise<void>>()
  private idleTimer: NodeJS.Timeout | undefined

  constructor(context: RealtimeContext, ws: WebSocket, vsn: Vsn, apiKeyToken: string, headers: Record<string, string>) {
    this.context = context
    this.ws = ws
    this.vsn = vsn
    this.apiKeyToken = apiKeyToken
    this.headers = headers
    ws.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary))
    ws.on('close', () => this.closed())
    ws.on('error', () => ws.terminate())
    this.resetIdleTimer()
  }

  send(frame: string | Buffer, binary = typeof frame !== 'string'): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(frame, { binary })
  }

  detach(channel: Channel): void {
    if (this.channels.get(channel.topic) === channel) this.channels.delete(channel.topic)
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason)
  }

  private resetIdleTimer(): void {
    clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => this.ws.close(1000, 'timeout'), this.context.limits.socketIdleTimeoutMs)
    this.idleTimer.unref()
  }

  private receive(data: Buffer, isBinary: boolean): void {
    this.resetIdleTimer()
    let message: InboundMessage
    try {
      // Binary frames exist only in serializer 2.0.0.
      message = isBinary && this.vsn === '2.0.0' ? decodeBinary(data) : decodeText(this.vsn, data.toString('utf8'))
    }
    catch (error) {
      // Phoenix closes the socket on a frame its serializer cannot decode.
      console.error('[realtime] undecodable frame:', (error as Error).message)
      this.ws.close(1003, 'invalid message')
      return
    }
    if (message.topic === 'phoenix') {
      if (message.event === 'heartbeat') this.send(encodeReply(this.vsn, null, message.ref, 'phoenix', 'ok'))
      return
    }
    const previous = this.queues.get(message.topic) ?? Promise.resolve()
    const next = previous.then(() => this.route(message)).catch((error: unknown) => {
      console.error(`[realtime] ${message.event} on ${message.topic}:`, error)
    })
    this.queues.set(message.topic, next)
    void next.then(() => {
      if (this.queues.get(message.topic) === next) this.queues.delete(message.topic)
    })
  }

  private async route(message: InboundMessage): Promise<void> {
    if (message.event === 'phx_join') {
      if (!message.topic.startsWith('realtime:')) return this.unmatched(message)
      // A second join of the same topic replaces the first, as Phoenix does.
      this.channels.get(message.topic)?.end()
      const channel = await Channel.join(this.context, this, message, this.channels.size)
      if (channel && this.ws.readyState === this.ws.OPEN) this.channels.set(message.topic, channel)
      else channel?.end()
      return
    }
    const channel = this.channels.get(message.topic)
    if (!channel) return this.unmatched(message)
    try {
      await channel.handle(message)
    }
    catch (error) {
      console.error(`[realtime] ${message.event} on ${message.topic}:`, error)
      channel.crash()
    }
  }

  private unmatched(message: InboundMessage): void {
    this.send(encodeReply(this.vsn, message.joinRef, message.ref, message.topic, 'error', { reason: 'unmatched topic' }))
  }

  private closed(): void {
    clearTimeout(this.idleTimer)
    for (const channel of [...this.channels.values()]) channel.end()
  }
}
