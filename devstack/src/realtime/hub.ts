// Who listens to what: channels grouped by topic and by public/private (Realtime keeps the two
// apart: a private message never reaches a public channel of the same name and vice versa). A
// message is encoded once per serializer and the frame is shared by every socket, as Realtime's
// MessageDispatcher caches it.
import { encodeText, encodeUserBroadcast, userBroadcastAsJson, type UserBroadcast, type Vsn } from './protocol.ts'

/** A frame ready for every socket: text frames are UTF-8 encoded once, not once per socket. */
export interface EncodedFrame {
  data: Buffer
  binary: boolean
}

export interface Outbound {
  /** The frame for a socket with this serializer, or null when that serializer cannot carry it. */
  frame: (vsn: Vsn) => EncodedFrame | null
}

export interface Member {
  readonly vsn: Vsn
  /** A string goes out as a text frame, a Buffer as binary unless `binary` says otherwise. */
  send: (frame: string | Buffer, binary?: boolean) => void
}

export const topicKey = (subTopic: string, isPrivate: boolean) => `${isPrivate ? 'private' : 'public'}:${subTopic}`

function cachedPerVsn(encode: (vsn: Vsn) => string | Buffer | null): Outbound {
  const cache = new Map<Vsn, EncodedFrame | null>()
  return {
    frame(vsn) {
      if (!cache.has(vsn)) {
        const frame = encode(vsn)
        cache.set(vsn, frame === null ? null : typeof frame === 'string' ? { data: Buffer.from(frame), binary: false } : { data: frame, binary: true })
      }
      return cache.get(vsn) ?? null
    },
  }
}

/** A broadcast-style message (`join_ref` and `ref` null) with an already serialized payload. */
export function textOutbound(topic: string, event: string, payloadJson: string): Outbound {
  return cachedPerVsn(vsn => encodeText(vsn, null, null, topic, event, payloadJson))
}

/** A user broadcast: a kind-4 binary frame for 2.0.0, converted JSON (or nothing) for 1.0.0. */
export function userBroadcastOutbound(topic: string, broadcast: UserBroadcast, metadata?: Record<string, unknown>): Outbound {
  return cachedPerVsn((vsn) => {
    if (vsn === '2.0.0') return encodeUserBroadcast(topic, broadcast, metadata)
    const payload = userBroadcastAsJson(broadcast)
    return payload === null ? null : encodeText(vsn, null, null, topic, 'broadcast', payload)
  })
}

export class Hub<M extends Member> {
  private readonly groups = new Map<string, Set<M>>()

  add(key: string, member: M): void {
    let group = this.groups.get(key)
    if (!group) this.groups.set(key, group = new Set())
    group.add(member)
  }

  remove(key: string, member: M): void {
    const group = this.groups.get(key)
    if (!group) return
    group.delete(member)
    if (group.size === 0) this.groups.delete(key)
  }

  members(key: string): Iterable<M> {
    return this.groups.get(key) ?? []
  }

  /** Sends to every member of the group that `accepts` the message; returns how many got it. */
  publish(key: string, outbound: Outbound, accepts: (member: M) => boolean = () => true): number {
    let delivered = 0
    for (const member of this.members(key)) {
      if (!accepts(member)) continue
      const frame = outbound.frame(member.vsn)
      if (frame === null) continue
      member.send(frame.data, frame.binary)
      delivered++
    }
    return delivered
  }
}
