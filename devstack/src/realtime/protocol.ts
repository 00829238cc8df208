// The Phoenix wire format Realtime speaks (supabase-contract.md §3.1): serializer 1.0.0 sends JSON
// objects, 2.0.0 JSON arrays plus binary frames for broadcasts. Kind 3 is the client's "user
// broadcast push", kind 4 the server's "user broadcast"; kinds 0–2 (binary push/reply/broadcast)
// are not sent by supabase-js and are not produced here.

export type Vsn = '1.0.0' | '2.0.0'

export interface InboundMessage {
  joinRef: string | null
  ref: string | null
  topic: string
  event: string
  payload: unknown
}

/** What a kind-3 frame carries: the user's event and payload, JSON or raw bytes. */
export interface UserBroadcast {
  userEvent: string
  encoding: 'json' | 'binary'
  data: Buffer
}

export class ProtocolError extends Error {}

const userBroadcastPushKind = 3
const userBroadcastKind = 4

/** Parses the `vsn` query parameter as Phoenix matches it (`~> 1.0.0` / `~> 2.0.0`); no parameter means 1.0.0. */
export function parseVsn(value: string | null): Vsn | null {
  if (value === null) return '1.0.0'
  if (/^1\.0\.\d+$/.test(value)) return '1.0.0'
  if (/^2\.0\.\d+$/.test(value)) return '2.0.0'
  return null
}

const refOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : String(value))

export function decodeText(vsn: Vsn, text: string): InboundMessage {
  const parsed: unknown = JSON.parse(text)
  if (vsn === '2.0.0') {
    if (!Array.isArray(parsed) || parsed.length < 5) throw new ProtocolError('expected V2 array')
    const [joinRef, ref, topic, event, payload] = parsed as unknown[]
    if (typeof topic !== 'string' || typeof event !== 'string') throw new ProtocolError('topic and event must be strings')
    return { joinRef: refOrNull(joinRef), ref: refOrNull(ref), topic, event, payload }
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ProtocolError('expected V1 object')
  const message = parsed as Record<string, unknown>
  if (typeof message.topic !== 'string' || typeof message.event !== 'string') throw new ProtocolError('topic and event must be strings')
  return { joinRef: refOrNull(message.join_ref), ref: refOrNull(message.ref), topic: message.topic, event: message.event, payload: message.payload }
}

/** A kind-3 frame as a `broadcast` push whose payload is the user broadcast. */
export function decodeBinary(frame: Buffer): InboundMessage & { payload: UserBroadcast } {
  if (frame.length < 7 || frame[0] !== userBroadcastPushKind) throw new ProtocolError(`unsupported binary frame kind ${frame[0]}`)
  const sizes = [frame[1]!, frame[2]!, frame[3]!, frame[4]!, frame[5]!]
  const encoding = frame[6] === 0 ? 'binary' : 'json'
  let offset = 7
  const [joinRef, ref, topic, userEvent] = sizes.slice(0, 4).map((size) => {
    const text = frame.subarray(offset, offset + size).toString('utf8')
    offset += size
    return text
  }) as [string, string, string, string]
  offset += sizes[4]!
  if (offset > frame.length) throw new ProtocolError('truncated user broadcast frame')
  return {
    joinRef: joinRef || null,
    ref: ref || null,
    topic,
    event: 'broadcast',
    payload: { userEvent, encoding, data: Buffer.from(frame.subarray(offset)) },
  }
}

/**
 * A server message as text, with the payload already serialized (so a payload taken from the
 * database is embedded as the JSON it is, like Realtime's Jason.Fragment).
 */
export function encodeText(vsn: Vsn, joinRef: string | null, ref: string | null, topic: string, event: string, payloadJson: string): string {
  if (vsn === '2.0.0') return `[${JSON.stringify(joinRef)},${JSON.stringify(ref)},${JSON.stringify(topic)},${JSON.stringify(event)},${payloadJson}]`
  // Phoenix's V1 serializer writes only topic, event, payload and ref.
  return `{"topic":${JSON.stringify(topic)},"event":${JSON.stringify(event)},"payload":${payloadJson},"ref":${JSON.stringify(ref)}}`
}

export function encodeReply(vsn: Vsn, joinRef: string | null, ref: string | null, topic: string, status: 'ok' | 'error', response: unknown = {}): string {
  return encodeText(vsn, joinRef, ref, topic, 'phx_reply', JSON.stringify({ status, response }))
}

/** Kind 4: `[4][topic][event][metadata][encoding]` lengths, the three strings, then the payload bytes. */
export function encodeUserBroadcast(topic: string, broadcast: UserBroadcast, metadata?: Record<string, unknown>): Buffer {
  const topicBytes = Buffer.from(topic)
  const eventBytes = Buffer.from(broadcast.userEvent)
  const metadataBytes = Buffer.from(metadata ? JSON.stringify(metadata) : '')
  for (const [name, bytes] of [['topic', topicBytes], ['user event', eventBytes], ['metadata', metadataBytes]] as const) {
    if (bytes.length > 255) throw new ProtocolError(`${name} is ${bytes.length} bytes, at most 255 fit in a binary frame`)
  }
  const header = Buffer.from([userBroadcastKind, topicBytes.length, eventBytes.length, metadataBytes.length, broadcast.encoding === 'json' ? 1 : 0])
  return Buffer.concat([header, topicBytes, eventBytes, metadataBytes, broadcast.data])
}

/** Serializer 1.0.0 cannot carry a user broadcast: Realtime converts JSON ones and drops binary ones. */
export function userBroadcastAsJson(broadcast: UserBroadcast): string | null {
  if (broadcast.encoding === 'binary') return null
  try {
    const payload: unknown = JSON.parse(broadcast.data.toString('utf8'))
    return JSON.stringify({ type: 'broadcast', event: broadcast.userEvent, payload })
  }
  catch {
    return null
  }
}
