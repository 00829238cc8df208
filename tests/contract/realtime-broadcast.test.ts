// Broadcast between clients on public channels: `self` decides whether the sender hears itself,
// `ack` makes send() wait for the server, and events are matched by name or `*`.
import { afterAll, describe, expect, it } from 'vitest'
import { closeRealtimeClients, Inbox, realtimeClient, serializers, subscribed, uniqueTopic, type BroadcastMessage } from '../helpers/realtime.ts'

afterAll(closeRealtimeClients)

describe.each(serializers)('broadcast with serializer %s', (vsn) => {
  it('reaches the other subscribers, and the sender only with self: true', async () => {
    const topic = uniqueTopic('broadcast')
    const quiet = new Inbox<BroadcastMessage>()
    const loud = new Inbox<BroadcastMessage>()
    const listener = new Inbox<BroadcastMessage>()
    // ack: true makes each send() return after the server relayed it, so the order is known.
    const quietSender = await subscribed(realtimeClient({ vsn }).channel(topic, { config: { broadcast: { ack: true } } }).on('broadcast', { event: '*' }, quiet.push))
    const loudSender = await subscribed(realtimeClient({ vsn }).channel(topic, { config: { broadcast: { self: true, ack: true } } }).on('broadcast', { event: '*' }, loud.push))
    await subscribed(realtimeClient({ vsn }).channel(topic).on('broadcast', { event: '*' }, listener.push))

    expect(await quietSender.send({ type: 'broadcast', event: 'first', payload: { n: 1 } })).toBe('ok')
    expect(await loudSender.send({ type: 'broadcast', event: 'second', payload: { n: 2 } })).toBe('ok')

    expect(await listener.next(message => message.event === 'second')).toEqual({ type: 'broadcast', event: 'second', payload: { n: 2 } })
    expect(listener.items.map(message => message.event)).toEqual(['first', 'second'])
    await loud.next(message => message.event === 'second')
    expect(loud.items.map(message => message.event)).toEqual(['first', 'second'])
    await quiet.next(message => message.event === 'second')
    expect(quiet.items.map(message => message.event)).toEqual(['second'])
  })

  it('delivers to bindings of that event name only', async () => {
    const topic = uniqueTopic('broadcast-events')
    const typing = new Inbox<BroadcastMessage>()
    const everything = new Inbox<BroadcastMessage>()
    await subscribed(realtimeClient({ vsn }).channel(topic)
      .on('broadcast', { event: 'typing' }, typing.push)
      .on('broadcast', { event: '*' }, everything.push))
    const sender = await subscribed(realtimeClient({ vsn }).channel(topic))
    await sender.send({ type: 'broadcast', event: 'message', payload: { text: 'Guten Tag' } })
    await sender.send({ type: 'broadcast', event: 'typing', payload: { user: 'a' } })
    await everything.next(message => message.event === 'typing')
    await typing.next()
    expect(typing.items.map(message => message.event)).toEqual(['typing'])
    expect(everything.items.map(message => message.payload)).toEqual([{ text: 'Guten Tag' }, { user: 'a' }])
  })

  it('acknowledges a send when ack is set', async () => {
    const topic = uniqueTopic('broadcast-ack')
    const listener = new Inbox<BroadcastMessage>()
    await subscribed(realtimeClient({ vsn }).channel(topic).on('broadcast', { event: 'ack-me' }, listener.push))
    const sender = await subscribed(realtimeClient({ vsn }).channel(topic, { config: { broadcast: { ack: true } } }))
    expect(await sender.send({ type: 'broadcast', event: 'ack-me', payload: { ok: true } })).toBe('ok')
    expect((await listener.next()).payload).toEqual({ ok: true })
  })
})
