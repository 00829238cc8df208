// Presence on public channels: presence_state after joining, presence_diff on track, update,
// untrack and disconnect, metas carrying a presence_ref, keys from config.presence.key.
import { afterAll, describe, expect, it } from 'vitest'
import { closeRealtimeClients, Inbox, realtimeClient, serializers, subscribed, uniqueTopic } from '../helpers/realtime.ts'

afterAll(closeRealtimeClients)

type Presences = Array<Record<string, unknown> & { presence_ref: string }>
interface PresenceEvent { event: 'join' | 'leave', key: string, presences: Presences }

/** A channel with presence under `key`, recording joins and leaves and each synced state. */
function presenceChannel(vsn: typeof serializers[number], topic: string, key: string) {
  const events = new Inbox<PresenceEvent>()
  const syncs = new Inbox<Record<string, Presences>>()
  const client = realtimeClient({ vsn })
  const channel = client.channel(topic, { config: { presence: { key } } })
    .on('presence', { event: 'sync' }, () => syncs.push(structuredClone(channel.presenceState()) as Record<string, Presences>))
    .on('presence', { event: 'join' }, ({ key: joined, newPresences }) => events.push({ event: 'join', key: joined, presences: newPresences as Presences }))
    .on('presence', { event: 'leave' }, ({ key: left, leftPresences }) => events.push({ event: 'leave', key: left, presences: leftPresences as Presences }))
  return { client, channel, events, syncs }
}

describe.each(serializers)('presence with serializer %s', (vsn) => {
  it('shows who is tracked, to members joining before and after', async () => {
    const topic = uniqueTopic('presence')
    const alice = presenceChannel(vsn, topic, 'alice')
    await subscribed(alice.channel)
    expect(await alice.channel.track({ status: 'online' })).toBe('ok')

    const bob = presenceChannel(vsn, topic, 'bob')
    await subscribed(bob.channel)
    const seenByBob = await bob.syncs.next(state => 'alice' in state)
    expect(seenByBob.alice).toEqual([{ status: 'online', presence_ref: expect.any(String) }])

    expect(await bob.channel.track({ status: 'away' })).toBe('ok')
    const seenByAlice = await alice.syncs.next(state => 'bob' in state)
    expect(Object.keys(seenByAlice).sort()).toEqual(['alice', 'bob'])
    expect(seenByAlice.bob?.[0]?.status).toBe('away')
  })

  it('reports an update as one meta, and leaves on untrack and on disconnect', async () => {
    const topic = uniqueTopic('presence-leave')
    const watcher = presenceChannel(vsn, topic, 'watcher')
    await subscribed(watcher.channel)
    const carol = presenceChannel(vsn, topic, 'carol')
    await subscribed(carol.channel)

    await carol.channel.track({ typing: false })
    await watcher.events.next(event => event.event === 'join' && event.key === 'carol')
    await carol.channel.track({ typing: true })
    const updated = await watcher.syncs.next(state => state.carol?.[0]?.typing === true)
    expect(updated.carol).toHaveLength(1)

    await carol.channel.untrack()
    const untracked = await watcher.events.next(event => event.event === 'leave' && event.presences.some(presence => presence.typing === true))
    expect(untracked.key).toBe('carol')
    expect((await watcher.syncs.next(state => !('carol' in state)))).toEqual({})

    await carol.channel.track({ typing: false })
    await watcher.syncs.next(state => 'carol' in state)
    await carol.client.realtime.disconnect()
    await watcher.syncs.next(state => !('carol' in state))
    expect(watcher.events.items.filter(event => event.event === 'leave').length).toBeGreaterThanOrEqual(2)
  })

  it('keeps one meta per channel when two channels share a key', async () => {
    const topic = uniqueTopic('presence-shared-key')
    const first = presenceChannel(vsn, topic, 'shared')
    const second = presenceChannel(vsn, topic, 'shared')
    await subscribed(first.channel)
    await subscribed(second.channel)
    await first.channel.track({ device: 'phone' })
    await second.channel.track({ device: 'laptop' })
    const state = await first.syncs.next(current => current.shared?.length === 2)
    expect(state.shared?.map(meta => meta.device).sort()).toEqual(['laptop', 'phone'])
  })
})
