// REST broadcast: POST /realtime/v1/api/broadcast answers 202; public messages go out for any valid
// JWT, private ones only when RLS lets the caller insert into realtime.messages for that topic
// (service_role bypasses RLS). supabase-js uses it for send() before joining and for httpSend().
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testEnv } from '../helpers/env.ts'
import { closeDb, createPersona, type Persona } from '../helpers/personas.ts'
import { closeRealtimeClients, Inbox, realtimeClient, subscribed, topicPolicies, uniqueTopic, userRealtimeClient, type BroadcastMessage } from '../helpers/realtime.ts'

let policies: Awaited<ReturnType<typeof topicPolicies>>
let writer: Persona
let reader: Persona

beforeAll(async () => {
  policies = await topicPolicies()
  ;[writer, reader] = await Promise.all([createPersona('rt-rest-writer'), createPersona('rt-rest-reader')])
})

afterAll(async () => {
  await closeRealtimeClients()
  await policies.drop()
  await closeDb()
})

function postBroadcast(messages: unknown, bearer: string, apiKey = testEnv.anonKey): Promise<Response> {
  return fetch(`${testEnv.supabaseUrl}/realtime/v1/api/broadcast`, {
    method: 'POST',
    headers: { 'apikey': apiKey, 'Authorization': `Bearer ${bearer}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ messages }),
  })
}

describe('REST broadcast', () => {
  it('delivers public messages and answers 202', async () => {
    const topic = uniqueTopic('rest')
    const received = new Inbox<BroadcastMessage>()
    await subscribed(realtimeClient({ vsn: '2.0.0' }).channel(topic).on('broadcast', { event: '*' }, received.push))
    const response = await postBroadcast([{ topic, event: 'from-rest', payload: { n: 1 } }], testEnv.anonKey)
    expect(response.status).toBe(202)
    expect(await response.text()).toBe('')
    expect(await received.next()).toEqual({ type: 'broadcast', event: 'from-rest', payload: { n: 1 } })
  })

  it('delivers private messages of allowed writers and the service role only', async () => {
    const topic = policies.topic({ readers: [reader.id, writer.id], writers: [writer.id] }, 'rest-private')
    const received = new Inbox<BroadcastMessage>()
    await subscribed((await userRealtimeClient('2.0.0', () => reader.accessToken)).channel(topic, { config: { private: true } }).on('broadcast', { event: '*' }, received.push))
    const message = (event: string) => [{ topic, event, payload: {}, private: true }]

    for (const [event, bearer] of [['by-anon', testEnv.anonKey], ['by-reader', reader.accessToken], ['by-writer', writer.accessToken], ['by-service', testEnv.serviceRoleKey]]) {
      expect((await postBroadcast(message(event!), bearer!)).status).toBe(202)
    }
    await received.next(item => item.event === 'by-service')
    expect(received.items.map(item => item.event)).toEqual(['by-writer', 'by-service'])
  })

  it('refuses invalid tokens with 401 and invalid batches with 422', async () => {
    const unauthorized = await postBroadcast([{ topic: 't', event: 'e', payload: {} }], 'not-a-jwt')
    expect(unauthorized.status).toBe(401)
    expect(await unauthorized.json()).toEqual({ message: 'Unauthorized' })
    const missingEvent = await postBroadcast([{ topic: 't', payload: {} }], testEnv.anonKey)
    expect(missingEvent.status).toBe(422)
  })

  it('is what supabase-js falls back to before joining, and what httpSend() calls', async () => {
    const topic = uniqueTopic('rest-fallback')
    const received = new Inbox<BroadcastMessage>()
    await subscribed(realtimeClient({ vsn: '2.0.0' }).channel(topic).on('broadcast', { event: '*' }, received.push))
    const notJoined = realtimeClient({ vsn: '2.0.0' }).channel(topic)
    expect(await notJoined.httpSend('via-http-send', { n: 1 })).toEqual({ success: true })
    await received.next(item => item.event === 'via-http-send')
    const originalWarn = console.warn
    console.warn = () => {} // the fallback warns that it is deprecated
    try {
      expect(await notJoined.send({ type: 'broadcast', event: 'via-fallback', payload: { n: 2 } })).toBe('ok')
    }
    finally {
      console.warn = originalWarn
    }
    expect((await received.next(item => item.event === 'via-fallback')).payload).toEqual({ n: 2 })
  })
})
