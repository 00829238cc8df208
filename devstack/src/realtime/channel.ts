// One joined channel (Realtime's RealtimeChannel process): join with its config, broadcast with
// `self`/`ack`, presence, token refresh and expiry, leave. Private channels are authorized by RLS on
// realtime.messages (authorization.ts); everything a channel pushes carries its join_ref, while
// fan-out messages (broadcasts, presence_diff, postgres_changes) go out with join_ref null.
import { randomUUID } from 'node:crypto'
import { isPolicyError, readPermissions, verifyToken, writePermission, type AuthorizationContext, type Claims, type Extension } from './authorization.ts'
import type { RealtimeContext } from './context.ts'
import { textOutbound, topicKey, userBroadcastOutbound, type Member } from './hub.ts'
import type { PresenceDiff } from './presence.ts'
import { encodeReply, encodeText, type InboundMessage, type UserBroadcast, type Vsn } from './protocol.ts'

/** The socket side a channel needs (socket.ts). */
export interface ChannelSocket {
  readonly vsn: Vsn
  /** The `apikey` the socket connected with, as a JWT (used when a join carries no user token). */
  readonly apiKeyToken: string
  /** Headers policies see as `request.headers`. */
  readonly headers: Record<string, string>
  send: (frame: string | Buffer, binary?: boolean) => void
  /** Forgets a channel that ended (left, shut down). */
  detach: (channel: Channel) => void
}

interface Permissions {
  broadcastRead: boolean
  presenceRead: boolean
  broadcastWrite: boolean | null
  presenceWrite: boolean | null
}

interface JoinConfig {
  broadcast?: { self?: unknown, ack?: unknown, replay?: unknown, replication_ready?: unknown }
  presence?: { key?: unknown, enabled?: unknown }
  postgres_changes?: unknown
  private?: unknown
}

export class JoinError extends Error {}

const asObject = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {})

const channelClosedByServer = Symbol('closed')

export class Channel implements Member {
  readonly context: RealtimeContext
  readonly socket: ChannelSocket
  readonly topic: string
  readonly subTopic: string
  readonly joinRef: string | null
  readonly isPrivate: boolean
  readonly key: string
  readonly selfBroadcast: boolean
  readonly ackBroadcast: boolean
  readonly presenceKey: string
  presenceEnabled: boolean
  claims: Claims
  private accessToken: string
  private permissions: Permissions = { broadcastRead: true, presenceRead: true, broadcastWrite: true, presenceWrite: true }
  private trackedPayload: string | null = null
  private presenceCalls = { count: 0, resetAt: 0 }
  private tokenTimer: NodeJS.Timeout | undefined
  private ended = false

  private constructor(context: RealtimeContext, socket: ChannelSocket, message: InboundMessage, config: JoinConfig, accessToken: string, claims: Claims) {
    this.context = context
    this.socket = socket
    this.topic = message.topic
    this.subTopic = message.topic.slice('realtime:'.length)
    this.joinRef = message.joinRef ?? message.ref
    this.isPrivate = config.private === true
    this.key = topicKey(this.subTopic, this.isPrivate)
    this.selfBroadcast = config.broadcast?.self === true
    this.ackBroadcast = config.broadcast?.ack === true
    const key = config.presence?.key
    this.presenceKey = typeof key === 'string' && key !== '' ? key : typeof key === 'number' ? String(key) : randomUUID()
    this.presenceEnabled = config.presence?.enabled === true
    this.accessToken = accessToken
    this.claims = claims
  }

  get vsn(): Vsn {
    return this.socket.vsn
  }

  send(frame: string | Buffer, binary?: boolean): void {
    if (!this.ended) this.socket.send(frame, binary)
  }

  get canReadBroadcast(): boolean {
    return this.permissions.broadcastRead
  }

  get canReadPresence(): boolean {
    return this.permissions.presenceRead
  }

  /**
   * Joins as Realtime does; the reply (ok or error) is sent here. Refusals wait the channel error
   * back-off first, as the server does against reconnect storms.
   */
  static async join(context: RealtimeContext, socket: ChannelSocket, message: InboundMessage, channelCount: number): Promise<Channel | null> {
    const reply = (status: 'ok' | 'error', response: unknown) =>
      socket.send(encodeReply(socket.vsn, message.joinRef ?? message.ref, message.ref, message.topic, status, response))
    const payload = asObject(message.payload)
    const config = asObject(payload.config) as JoinConfig
    try {
      const channel = await Channel.authorize(context, socket, message, payload, config, channelCount)
      const postgresChanges = await context.changes.subscribe(channel, config.postgres_changes)
      context.hub.add(channel.key, channel)
      channel.armTokenTimer()
      reply('ok', { postgres_changes: postgresChanges.echo })
      channel.afterJoin(config, postgresChanges.error)
      return channel
    }
    catch (error) {
      const reason = error instanceof JoinError ? error.message : 'Unknown Error on Channel'
      if (!(error instanceof JoinError)) console.error(`[realtime] join ${message.topic}:`, error)
      await new Promise(resolveDelay => setTimeout(resolveDelay, context.limits.joinErrorDelayMs))
      reply('error', { reason })
      return null
    }
  }

  private static async authorize(context: RealtimeContext, socket: ChannelSocket, message: InboundMessage, payload: Record<string, unknown>, config: JoinConfig, channelCount: number): Promise<Channel> {
    if (message.topic === 'realtime:') throw new JoinError('TopicNameRequired: You must provide a topic name')
    if (channelCount >= context.limits.maxChannelsPerSocket) throw new JoinError('ChannelRateLimitReached: Too many channels')
    const offered = typeof payload.access_token === 'string' ? payload.access_token : payload.user_token
    const accessToken = typeof offered === 'string' && !offered.startsWith('sb_') ? offered : socket.apiKeyToken
    const token = await verifyToken(context.jwt, accessToken)
    if (!token.ok) throw new JoinError(`${token.code}: ${token.message}`)
    const channel = new Channel(context, socket, message, config, accessToken, token.claims)
    if (channel.isPrivate) await channel.authorizeRead('join')
    else if (config.broadcast?.replay) throw new JoinError('UnableToReplayMessages: Replay is not allowed for public channels')
    return channel
  }

  private afterJoin(config: JoinConfig, postgresChangesError: string | null | undefined): void {
    if (this.presenceEnabled) this.pushPresenceState()
    if (postgresChangesError === null) this.pushSystem('postgres_changes', 'ok', 'Subscribed to PostgreSQL')
    else if (postgresChangesError) this.pushSystem('postgres_changes', 'error', postgresChangesError)
    // The replication stream is always up on the devstack, so the opt-in notice comes at once.
    if (config.broadcast?.replication_ready === true) this.pushSystem('system', 'ok', 'Replication connection established')
    this.context.databaseBroadcasts.replayTo(this)
  }

  private authorizationContext(): AuthorizationContext {
    return { topic: this.subTopic, claims: this.claims, headers: this.socket.headers }
  }

  /** Evaluates the read policies; at join a refusal is a JoinError, later a shutdown. */
  private async authorizeRead(when: 'join' | 'token'): Promise<void> {
    const unauthorized = `You do not have permissions to read from this Channel topic: ${this.subTopic}`
    let read
    try {
      read = await readPermissions(this.context.sql, this.authorizationContext())
    }
    catch (error) {
      if (!isPolicyError(error)) {
        console.error(`[realtime] read authorization for ${this.subTopic}:`, error)
        if (when === 'join') throw new JoinError('UnableToConnectToProject: Realtime was unable to connect to the project database')
        return this.shutdown('Realtime was unable to connect to the project database')
      }
      read = { broadcast: false, presence: false }
    }
    if (!read.broadcast && !read.presence) {
      if (when === 'join') throw new JoinError(`Unauthorized: ${unauthorized}`)
      return this.shutdown(unauthorized)
    }
    const revoked = (this.permissions.broadcastRead && !read.broadcast) || (this.permissions.presenceRead && !read.presence)
    if (when === 'token' && revoked) return this.shutdown(`You no longer have permission to read from this Channel topic: ${this.subTopic}`)
    this.permissions = { broadcastRead: read.broadcast, presenceRead: read.presence, broadcastWrite: null, presenceWrite: null }
  }

  private async mayWrite(extension: Extension): Promise<boolean> {
    if (!this.isPrivate) return true
    const field = extension === 'broadcast' ? 'broadcastWrite' : 'presenceWrite'
    if (this.permissions[field] === null) {
      try {
        this.permissions[field] = await writePermission(this.context.sql, this.authorizationContext(), extension)
      }
      catch (error) {
        // Realtime logs RlsPolicyError/UnableToSetPolicies and treats the message as not allowed.
        console.error(`[realtime] ${extension} write authorization for ${this.subTopic}:`, error)
        return false
      }
    }
    return this.permissions[field] === true
  }

  /** Events on a joined channel; `phx_leave` ends it. */
  async handle(message: InboundMessage): Promise<void> {
    const reply = (status: 'ok' | 'error', response: unknown = {}) => this.send(encodeReply(this.vsn, this.joinRef, message.ref, this.topic, status, response))
    switch (message.event) {
      case 'broadcast':
        if (await this.broadcast(message.payload) && this.ackBroadcast) reply('ok')
        return
      case 'presence': {
        const outcome = await this.presence(asObject(message.payload))
        if (outcome === channelClosedByServer) return
        if (outcome === true) reply('ok')
        else reply('error', outcome === false ? {} : { reason: outcome })
        return
      }
      case 'access_token':
        return this.refreshToken(asObject(message.payload).access_token)
      case 'phx_leave':
        reply('ok')
        this.end()
        return
      default:
        // Realtime logs unexpected client messages and does not answer them.
        return
    }
  }

  /** Relays a client broadcast; false when a private channel may not write (silently dropped). */
  private async broadcast(payload: unknown): Promise<boolean> {
    if (!await this.mayWrite('broadcast')) return false
    const outbound = isUserBroadcast(payload)
      ? userBroadcastOutbound(this.topic, payload)
      : textOutbound(this.topic, 'broadcast', JSON.stringify(payload ?? {}))
    this.context.hub.publish(this.key, outbound, member => member.canReadBroadcast && (this.selfBroadcast || member !== this))
    return true
  }

  /** true → reply ok, false → reply error, a string → error with that reason. */
  private async presence(payload: Record<string, unknown>): Promise<boolean | string | typeof channelClosedByServer> {
    if (typeof payload.event !== 'string') return true
    const now = Date.now()
    if (now > this.presenceCalls.resetAt) this.presenceCalls = { count: 0, resetAt: now + this.context.limits.presenceWindowMs }
    if (this.presenceCalls.count >= this.context.limits.presenceCallsPerWindow) {
      this.shutdown('Client presence rate limit exceeded')
      return channelClosedByServer
    }
    this.presenceCalls.count++
    switch (payload.event.toLowerCase()) {
      case 'track': {
        if (!await this.mayWrite('presence')) return false
        const meta = payload.payload ?? {}
        if (!meta || typeof meta !== 'object' || Array.isArray(meta)) return 'Presence track payload must be a map'
        const serialized = JSON.stringify(meta)
        if (serialized === this.trackedPayload) return true
        this.trackedPayload = serialized
        this.publishPresenceDiff(this.context.presence.track(this.key, this, this.presenceKey, meta as Record<string, unknown>))
        if (!this.presenceEnabled) {
          this.presenceEnabled = true
          this.pushPresenceState()
        }
        return true
      }
      case 'untrack':
        this.trackedPayload = null
        this.publishPresenceDiff(this.context.presence.untrack(this.key, this, this.presenceKey))
        return true
      default:
        return false
    }
  }

  private async refreshToken(token: unknown): Promise<void> {
    if (typeof token !== 'string' || token.startsWith('sb_') || token === this.accessToken) return
    const check = await verifyToken(this.context.jwt, token)
    if (!check.ok) return this.shutdown(check.message)
    this.accessToken = token
    this.claims = check.claims
    this.armTokenTimer()
    if (this.isPrivate) await this.authorizeRead('token')
  }

  /** Realtime re-confirms the token when it expires (at the latest hourly) and shuts the channel if it did. */
  private armTokenTimer(): void {
    clearTimeout(this.tokenTimer)
    const remaining = this.claims.exp * 1000 - Date.now()
    this.tokenTimer = setTimeout(() => {
      void verifyToken(this.context.jwt, this.accessToken).then((check) => {
        if (this.ended) return
        if (check.ok) this.armTokenTimer()
        else this.shutdown(check.message)
      })
    }, Math.max(0, Math.min(remaining, this.context.limits.tokenRecheckMaxMs)))
    this.tokenTimer.unref()
  }

  private pushPresenceState(): void {
    if (!this.canReadPresence) return
    this.send(encodeText(this.vsn, this.joinRef, null, this.topic, 'presence_state', JSON.stringify(this.context.presence.list(this.key))))
  }

  private publishPresenceDiff(diff: PresenceDiff | null): void {
    if (!diff) return
    this.context.hub.publish(this.key, textOutbound(this.topic, 'presence_diff', JSON.stringify(diff)), member => member.canReadPresence)
  }

  pushSystem(extension: string, status: 'ok' | 'error', message: string): void {
    this.send(encodeText(this.vsn, this.joinRef, null, this.topic, 'system', JSON.stringify({ extension, status, message, channel: this.subTopic })))
  }

  /** Server-side close: a system error message, then `phx_close` as Phoenix sends for a normal exit. */
  shutdown(message: string): void {
    if (this.ended) return
    this.pushSystem('system', 'error', message)
    this.send(encodeText(this.vsn, this.joinRef, this.joinRef, this.topic, 'phx_close', '{}'))
    this.end()
  }

  /** What Phoenix sends when a channel process dies: `phx_error`, after which the client rejoins. */
  crash(): void {
    if (this.ended) return
    this.send(encodeText(this.vsn, this.joinRef, this.joinRef, this.topic, 'phx_error', '{}'))
    this.end()
  }

  /** Releases everything the channel holds; others see its presence leave. */
  end(): void {
    if (this.ended) return
    this.ended = true
    clearTimeout(this.tokenTimer)
    this.context.hub.remove(this.key, this)
    this.publishPresenceDiff(this.context.presence.untrack(this.key, this))
    this.context.changes.unsubscribe(this)
    this.socket.detach(this)
  }
}

function isUserBroadcast(payload: unknown): payload is UserBroadcast {
  return !!payload && typeof payload === 'object' && Buffer.isBuffer((payload as UserBroadcast).data)
}
