// Realtime's REST broadcast (supabase-contract.md §3.3): `POST /api/broadcast` with a batch of
// messages and `POST /api/broadcast/<topic>/events/<event>` (httpSend) answer 202. The caller needs
// a valid JWT (401 otherwise); public messages go out as they are, private ones only when the
// caller's role may insert a broadcast for that topic into realtime.messages (service_role
// bypasses RLS), otherwise they are silently dropped, as in Realtime.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { bearerToken, readBody, sendJson } from '../shared/http.ts'
import { verifyToken, writePermission } from './authorization.ts'
import type { RealtimeContext } from './context.ts'
import { textOutbound, topicKey, userBroadcastOutbound, type Outbound } from './hub.ts'

interface BatchMessage {
  topic: string
  event: string
  payload: Record<string, unknown>
  private: boolean
}

const isMap = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value)

/** Ecto-style errors (`{"errors": {"messages": [...]}}`) or the valid messages. */
export function validateBatch(body: unknown): { messages: BatchMessage[] } | { errors: Record<string, unknown> } {
  const list = isMap(body) ? body.messages : undefined
  if (!Array.isArray(list) || list.length === 0) return { errors: { messages: ['can\'t be blank'] } }
  const errors = list.map((message) => {
    const fields: Record<string, string[]> = {}
    if (!isMap(message)) return { messages: ['is invalid'] }
    for (const field of ['topic', 'event'] as const) {
      if (message[field] === undefined || message[field] === null || message[field] === '') fields[field] = ['can\'t be blank']
      else if (typeof message[field] !== 'string') fields[field] = ['is invalid']
    }
    if (message.payload === undefined || message.payload === null) fields.payload = ['can\'t be blank']
    else if (!isMap(message.payload)) fields.payload = ['is invalid']
    if (message.private !== undefined && message.private !== null && typeof message.private !== 'boolean') fields.private = ['is invalid']
    return fields
  })
  if (errors.some(fields => Object.keys(fields).length > 0)) return { errors: { messages: errors } }
  return {
    messages: (list as Array<Record<string, unknown>>).map(message => ({
      topic: message.topic as string,
      event: message.event as string,
      payload: message.payload as Record<string, unknown>,
      private: message.private === true,
    })),
  }
}

export async function handleBroadcastApi(context: RealtimeContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const url = new URL(path, 'http://localhost')
  const single = /^\/api\/broadcast\/([^/]+)\/events\/([^/]+)$/.exec(url.pathname)
  if (req.method !== 'POST' || (url.pathname !== '/api/broadcast' && !single)) {
    sendJson(res, 404, { message: 'Not Found' })
    return
  }
  const token = bearerToken(req) ?? (typeof req.headers.apikey === 'string' ? req.headers.apikey : null)
  const check = token ? await verifyToken(context.jwt, token) : null
  if (!check?.ok) {
    sendJson(res, 401, { message: 'Unauthorized' })
    return
  }
  const send = (topic: string, isPrivate: boolean, outbound: Outbound) =>
    context.hub.publish(topicKey(topic, isPrivate), outbound, channel => channel.canReadBroadcast)
  // The REST API hands policies every request header (the websocket only its x- headers).
  const headers = Object.fromEntries(Object.entries(req.headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
  const mayWrite = (topic: string) => writePermission(context.sql, { topic, claims: check.claims, headers }, 'broadcast').catch(() => false)

  if (single) {
    const topic = decodeURIComponent(single[1]!)
    const event = decodeURIComponent(single[2]!)
    const isPrivate = url.searchParams.get('private') === 'true'
    const body = await readBody(req)
    const binary = !/json/i.test(req.headers['content-type'] ?? '')
    let outbound: Outbound
    if (binary) {
      outbound = userBroadcastOutbound(`realtime:${topic}`, { userEvent: event, encoding: 'binary', data: body })
    }
    else {
      let payload: unknown
      try {
        payload = JSON.parse(body.toString('utf8') || 'null')
      }
      catch {
        sendJson(res, 422, { errors: { payload: ['is invalid'] } })
        return
      }
      outbound = textOutbound(`realtime:${topic}`, 'broadcast', JSON.stringify({ payload, event, type: 'broadcast' }))
    }
    if (!isPrivate || await mayWrite(topic)) send(topic, isPrivate, outbound)
    res.writeHead(202, { 'Content-Length': '0' }).end()
    return
  }

  let body: unknown
  try {
    body = JSON.parse((await readBody(req)).toString('utf8') || '{}')
  }
  catch {
    sendJson(res, 422, { errors: { messages: ['can\'t be blank'] } })
    return
  }
  const batch = validateBatch(body)
  if ('errors' in batch) {
    sendJson(res, 422, { errors: batch.errors })
    return
  }
  const allowedPrivateTopics = await privateTopicsAllowed(batch.messages, mayWrite)
  for (const message of batch.messages) {
    if (message.private && !allowedPrivateTopics.has(message.topic)) continue
    send(message.topic, message.private, textOutbound(`realtime:${message.topic}`, 'broadcast', JSON.stringify({ payload: message.payload, event: message.event, type: 'broadcast' })))
  }
  res.writeHead(202, { 'Content-Length': '0' }).end()
}

/** One write check per private topic of the batch. */
async function privateTopicsAllowed(messages: BatchMessage[], mayWrite: (topic: string) => Promise<boolean>): Promise<Set<string>> {
  const topics = [...new Set(messages.filter(message => message.private).map(message => message.topic))]
  const allowed = await Promise.all(topics.map(mayWrite))
  return new Set(topics.filter((_, index) => allowed[index]))
}
