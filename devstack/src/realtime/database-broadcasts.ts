// Broadcast from the database: rows that realtime.send()/broadcast_changes() insert into
// realtime.messages reach the channels of their topic as Realtime's replication handler sends them
// ({payload, event, type: "broadcast", meta: {id}}); `private` rows go only to private channels
// (that may read broadcasts), the others only to public ones.
//
// Beyond Realtime (which reads through a temporary slot and loses such rows on a restart): rows
// committed before this process started and not yet delivered (the WAL reader's backlog) are also
// replayed to channels that join during the recovery window, so a subscriber that reconnects
// after a devstack crash still receives them, once.
import type { Channel } from './channel.ts'
import { textOutbound, topicKey, userBroadcastOutbound, type Hub, type Outbound } from './hub.ts'
import { walTimestamp, type WalChange } from './wal.ts'

export interface DatabaseMessage {
  id: string
  topic: string
  event: string
  isPrivate: boolean
  /** The jsonb payload as JSON text, embedded unchanged. */
  payloadJson: string | null
  binaryPayload: Buffer | null
  committedAt: number
}

export const isMessagesTable = (change: WalChange) => change.schema === 'realtime' && /^messages(_|$)/.test(change.table)

/** An inserted realtime.messages row that is a broadcast, or null for anything else. */
export function databaseMessage(change: WalChange): DatabaseMessage | null {
  if (change.action !== 'INSERT' || !isMessagesTable(change)) return null
  const value = (name: string) => change.columns.find(column => column.name === name)?.value ?? null
  const topic = value('topic')
  const event = value('event')
  const id = value('id')
  if (value('extension') !== 'broadcast' || topic === null || event === null || id === null) return null
  const binary = value('binary_payload')
  return {
    id,
    topic,
    event,
    isPrivate: value('private') === 'true',
    payloadJson: value('payload'),
    binaryPayload: binary === null ? null : Buffer.from(binary, 'hex'),
    committedAt: walTimestamp(change.commitTimestamp),
  }
}

export function messageOutbound(message: DatabaseMessage): Outbound {
  const joinTopic = `realtime:${message.topic}`
  if (message.binaryPayload) {
    return userBroadcastOutbound(joinTopic, { userEvent: message.event, encoding: 'binary', data: message.binaryPayload }, { id: message.id })
  }
  const payload = `{"payload":${message.payloadJson ?? 'null'},"event":${JSON.stringify(message.event)},"type":"broadcast","meta":{"id":${JSON.stringify(message.id)}}}`
  return textOutbound(joinTopic, 'broadcast', payload)
}

export class DatabaseBroadcasts {
  private readonly hub: Hub<Channel>
  /** Backlog held for channels joining during the recovery window; null outside it. */
  private recovery: Array<{ message: DatabaseMessage, outbound: Outbound }> | null = null
  private readonly maxBacklogAgeMs: number

  constructor(hub: Hub<Channel>, maxBacklogAgeMs: number) {
    this.hub = hub
    this.maxBacklogAgeMs = maxBacklogAgeMs
  }

  deliver(message: DatabaseMessage, phase: 'backlog' | 'live'): void {
    const outbound = messageOutbound(message)
    this.hub.publish(topicKey(message.topic, message.isPrivate), outbound, channel => channel.canReadBroadcast)
    // A backlog older than this is stale news nobody was waiting for.
    if (phase === 'backlog' && Date.now() - message.committedAt <= this.maxBacklogAgeMs) (this.recovery ??= []).push({ message, outbound })
  }

  replayTo(channel: Channel): void {
    if (!this.recovery || !channel.canReadBroadcast) return
    for (const { message, outbound } of this.recovery) {
      if (message.topic !== channel.subTopic || message.isPrivate !== channel.isPrivate) continue
      const frame = outbound.frame(channel.vsn)
      if (frame !== null) channel.send(frame.data, frame.binary)
    }
  }

  endRecovery(): void {
    this.recovery = null
  }
}
