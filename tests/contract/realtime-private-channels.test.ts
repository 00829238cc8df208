// Private channels authorized by RLS on realtime.messages with realtime.topic(): reading needs a
// SELECT policy (checked at join and again when the token changes), sending and tracking need an
// INSERT policy. Both sides are proven: the allowed persona gets in and through, the others not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDb, createPersona, signAccessToken, type Persona } from '../helpers/personas.ts'
import { closeRealtimeClients, Inbox, realtimeClient, refusedJoin, serializers, subscribed, topicPolicies, userRealtimeClient, type BroadcastMessage } from '../helpers/realtime.ts'

let policies: Awaited<ReturnType<typeof topicPolicies>>
let writer: Persona
let reader: Persona
let outsider: Persona

beforeAll(async () => {
  policies = await topicPolicies()
  ;[writer, reader, outsider] = await Promise.all([createPersona('rt-writer'), createPersona('rt-reader'), createPersona('rt-outsider')])
})

afterAll(async () => {
  await closeRealtimeClients()
  await policies.drop()
  await closeDb()
})

const privateConfig = (extra: Record<string, unknown> = {}) => ({ config: { private: true, ...extra } })

describe.concurrent.each(serializers)('private channels with serializer %s', (vsn) => {
  const clientOf = (persona: Persona) => userRealtimeClient(vsn, () => persona.accessToken)
  const sharedTopic = (label: string) => policies.topic({ readers: [writer.id, reader.id], writers: [writer.id] }, label)

  it('lets listed readers join and refuses everybody else with Realtime\'s reason', async () => {
    const topic = sharedTopic('join')
    await subscribed((await clientOf(reader)).channel(topic, privateConfig()))
    const refusal = `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`
    const outsiderClient = await clientOf(outsider)
    const anonymous = realtimeClient({ vsn })
    const refused = await Promise.all([
      refusedJoin(outsiderClient, outsiderClient.channel(topic, privateConfig())),
      refusedJoin(anonymous, anonymous.channel(topic, privateConfig())),
    ])
    expect(refused.map(error => error.message)).toEqual([refusal, refusal])
  })

  it('relays broadcasts of writers only', async () => {
    const topic = sharedTopic('broadcast')
    const received = new Inbox<BroadcastMessage>()
    await subscribed((await clientOf(reader)).channel(topic, privateConfig()).on('broadcast', { event: '*' }, received.push))
    const ack = { broadcast: { ack: true } }
    const readOnly = await subscribed((await clientOf(reader)).channel(topic, privateConfig(ack)))
    const writing = await subscribed((await clientOf(writer)).channel(topic, privateConfig(ack)))

    // Realtime drops a broadcast the sender may not write without answering, so the ack times out.
    expect(await readOnly.send({ type: 'broadcast', event: 'forbidden', payload: {} }, { timeout: 1500 })).toBe('timed out')
    expect(await writing.send({ type: 'broadcast', event: 'allowed', payload: { from: 'writer' } })).toBe('ok')
    expect((await received.next()).event).toBe('allowed')
    expect(received.items.map(message => message.event)).toEqual(['allowed'])
  })

  it('keeps private and public channels of the same name apart', async () => {
    const topic = sharedTopic('apart')
    const onPrivate = new Inbox<BroadcastMessage>()
    const onPublic = new Inbox<BroadcastMessage>()
    await subscribed((await clientOf(reader)).channel(topic, privateConfig()).on('broadcast', { event: '*' }, onPrivate.push))
    await subscribed((await clientOf(reader)).channel(topic).on('broadcast', { event: '*' }, onPublic.push))
    const privateSender = await subscribed((await clientOf(writer)).channel(topic, privateConfig({ broadcast: { ack: true } })))
    const publicSender = await subscribed(realtimeClient({ vsn }).channel(topic, { config: { broadcast: { ack: true } } }))

    await privateSender.send({ type: 'broadcast', event: 'private-1', payload: {} })
    await publicSender.send({ type: 'broadcast', event: 'public-1', payload: {} })
    await privateSender.send({ type: 'broadcast', event: 'private-2', payload: {} })
    await publicSender.send({ type: 'broadcast', event: 'public-2', payload: {} })
    await onPrivate.next(message => message.event === 'private-2')
    await onPublic.next(message => message.event === 'public-2')
    expect(onPrivate.items.map(message => message.event)).toEqual(['private-1', 'private-2'])
    expect(onPublic.items.map(message => message.event)).toEqual(['public-1', 'public-2'])
  })

  it('lets writers track presence and refuses readers', async () => {
    const topic = sharedTopic('presence')
    const watching = (await clientOf(reader)).channel(topic, privateConfig({ presence: { key: 'reader' } }))
    const synced = new Inbox<Record<string, unknown[]>>()
    watching.on('presence', { event: 'sync' }, () => synced.push(watching.presenceState()))
    await subscribed(watching)
    expect(await watching.track({ online: true })).toBe('error')
    const tracking = await subscribed((await clientOf(writer)).channel(topic, privateConfig({ presence: { key: 'writer' } })))
    expect(await tracking.track({ online: true })).toBe('ok')
    const state = await synced.next(current => 'writer' in current)
    expect(Object.keys(state)).toEqual(['writer'])
  })

  it('re-checks the policies when the token changes', async () => {
    const topic = sharedTopic('token-change')
    let token = reader.accessToken
    const client = await userRealtimeClient(vsn, () => token)
    const system = new Inbox<{ status: string, message: string, extension: string }>()
    const received = new Inbox<BroadcastMessage>()
    const statuses = new Inbox<string>()
    const channel = client.channel(topic, privateConfig()).on('system', {}, system.push).on('broadcast', { event: '*' }, received.push)
    channel.subscribe(status => statuses.push(status))
    await statuses.next(status => status === 'SUBSCRIBED')
    const sender = await subscribed((await clientOf(writer)).channel(topic, privateConfig({ broadcast: { ack: true } })))

    // A renewed token of the same reader keeps the channel …
    token = await signAccessToken({ sub: reader.id, email: reader.email, session_id: reader.sessionId }, 600)
    await client.realtime.setAuth()
    await sender.send({ type: 'broadcast', event: 'after-renewal', payload: {} })
    await received.next(message => message.event === 'after-renewal')

    // … the outsider's token closes it.
    token = outsider.accessToken
    await client.realtime.setAuth()
    expect(await system.next(message => message.status === 'error')).toEqual({
      extension: 'system', status: 'error', message: `You do not have permissions to read from this Channel topic: ${topic}`, channel: topic,
    })
    await statuses.next(status => status === 'CLOSED')
  })
})
