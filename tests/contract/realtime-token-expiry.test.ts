// A channel lives as long as its JWT: an expired token cannot join, a channel whose token expires
// without a new one arriving gets Realtime's system error and is closed, and a renewed token
// keeps it open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDb, createPersona, signAccessToken, type Persona } from '../helpers/personas.ts'
import { closeRealtimeClients, Inbox, refusedJoin, serializers, topicPolicies, uniqueTopic, userRealtimeClient, type BroadcastMessage } from '../helpers/realtime.ts'

interface SystemMessage { extension: string, status: string, message: string, channel: string }

let policies: Awaited<ReturnType<typeof topicPolicies>>
let member: Persona

beforeAll(async () => {
  policies = await topicPolicies()
  member = await createPersona('rt-expiry')
})

afterAll(async () => {
  await closeRealtimeClients()
  await policies.drop()
  await closeDb()
})

const tokenFor = (persona: Persona, expiresInSeconds: number) =>
  signAccessToken({ sub: persona.id, email: persona.email, session_id: persona.sessionId }, expiresInSeconds)

describe.concurrent.each(serializers)('token expiry with serializer %s', (vsn) => {
  it('refuses a join with an expired token', async () => {
    const expired = await tokenFor(member, -30)
    const client = await userRealtimeClient(vsn, () => expired)
    const refusal = await refusedJoin(client, client.channel(uniqueTopic('expired')))
    expect(refusal.message).toMatch(/^InvalidJWTToken: Token has expired \d+ seconds ago$/)
  })

  it.each([['public', false], ['private', true]] as const)('closes a %s channel when its token expires', async (_kind, isPrivate) => {
    const token = await tokenFor(member, 3)
    const client = await userRealtimeClient(vsn, () => token)
    const topic = isPrivate ? policies.topic({ readers: [member.id] }, 'expiry') : uniqueTopic('expiry')
    const system = new Inbox<SystemMessage>()
    const statuses = new Inbox<string>()
    client.channel(topic, { config: { private: isPrivate } }).on('system', {}, system.push).subscribe(status => statuses.push(status))
    await statuses.next(status => status === 'SUBSCRIBED')

    const closing = await system.next(message => message.status === 'error')
    expect(closing).toEqual({ extension: 'system', status: 'error', message: expect.stringMatching(/^Token has expired \d+ seconds ago$/), channel: topic })
    await statuses.next(status => status === 'CLOSED')
  })

  it('keeps the channel when a new token arrives in time', async () => {
    const shortLived = await tokenFor(member, 3)
    let token = shortLived
    const client = await userRealtimeClient(vsn, () => token)
    const topic = policies.topic({ readers: [member.id], writers: [member.id] }, 'renewed')
    const received = new Inbox<BroadcastMessage>()
    const statuses = new Inbox<string>()
    const channel = client.channel(topic, { config: { private: true, broadcast: { self: true, ack: true } } }).on('broadcast', { event: '*' }, received.push)
    channel.subscribe(status => statuses.push(status))
    await statuses.next(status => status === 'SUBSCRIBED')

    token = await tokenFor(member, 600)
    await client.realtime.setAuth()
    // Wait until the first token is past its expiry, then prove the channel still works.
    const expiresAt = JSON.parse(Buffer.from(shortLived.split('.')[1]!, 'base64url').toString()).exp * 1000
    await new Promise(resolveWait => setTimeout(resolveWait, Math.max(0, expiresAt - Date.now()) + 1500))
    expect(await channel.send({ type: 'broadcast', event: 'still-here', payload: {} })).toBe('ok')
    await received.next(message => message.event === 'still-here')
    expect(statuses.items).toEqual(['SUBSCRIBED'])
  })
})
