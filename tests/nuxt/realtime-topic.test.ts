// useRealtimeTopic with a stand-in Realtime client: one private channel per topic however many
// listen, every (re)join asks the listeners to catch up, a channel the server closed is joined
// anew, and the last listener leaving removes it. The real Realtime is proven by the integration
// and browser tests.
import { describe, expect, it, vi } from 'vitest'
import { mockNuxtImport } from '@nuxt/test-utils/runtime'
import { effectScope, ref } from 'vue'

type Status = 'SUBSCRIBED' | 'CHANNEL_ERROR' | 'CLOSED'
interface FakeChannel { topic: string, private: boolean, emit: (event: string, payload: object) => void, status: (status: Status) => void }

const { realtime } = vi.hoisted(() => {
  const channels: FakeChannel[] = []
  const client = {
    channels,
    setAuth: vi.fn(async () => {}),
    removeChannel: vi.fn(async (channel: FakeChannel) => void channels.splice(channels.indexOf(channel), 1)),
    channel: vi.fn((topic: string, options: { config: { private: boolean } }) => {
      let onBroadcast: (message: { event: string, payload: object }) => void = () => {}
      let onStatus: (status: Status) => void = () => {}
      const channel = {
        topic,
        private: options.config.private,
        emit: (event: string, payload: object) => onBroadcast({ event, payload }),
        status: (status: Status) => onStatus(status),
        on: (_type: string, _filter: object, callback: typeof onBroadcast) => {
          onBroadcast = callback
          return channel
        },
        subscribe: (callback: typeof onStatus) => {
          onStatus = callback
          return channel
        },
      }
      channels.push(channel)
      return channel
    }),
  }
  return { realtime: client }
})
mockNuxtImport('useSupabase', () => () => async () => ({ realtime: async () => realtime }))

const settle = () => new Promise(resolve => setTimeout(resolve, 0))

describe('useRealtimeTopic', () => {
  it('shares one private channel per topic, tells every listener of each join, and leaves with the last one', async () => {
    const first = { onMessage: vi.fn(), onJoin: vi.fn() }
    const second = { onMessage: vi.fn(), onJoin: vi.fn() }
    const scopeA = effectScope()
    const scopeB = effectScope()
    scopeA.run(() => useRealtimeTopic('ticket:1', first))
    scopeB.run(() => useRealtimeTopic('ticket:1', second))
    await settle()
    expect(realtime.channels.map(channel => [channel.topic, channel.private])).toEqual([['ticket:1', true]])
    expect(realtime.setAuth).toHaveBeenCalled()

    const channel = realtime.channels[0]!
    channel.status('SUBSCRIBED')
    expect([first.onJoin.mock.calls.length, second.onJoin.mock.calls.length]).toEqual([1, 1])
    channel.emit('reply_created', { record: { id: 'r1' } })
    expect(second.onMessage).toHaveBeenCalledWith({ event: 'reply_created', payload: { record: { id: 'r1' } } })

    // A dropped connection: the channel rejoins by itself, and everyone catches up again.
    channel.status('CHANNEL_ERROR')
    channel.status('SUBSCRIBED')
    expect([first.onJoin.mock.calls.length, second.onJoin.mock.calls.length]).toEqual([2, 2])

    scopeA.stop()
    expect(realtime.removeChannel).not.toHaveBeenCalled()
    scopeB.stop()
    await settle()
    expect(realtime.removeChannel).toHaveBeenCalledWith(channel)
  })

  it('joins anew when the server closed the channel (an expired token), and follows a changing topic', async () => {
    vi.useFakeTimers()
    const listener = { onMessage: vi.fn(), onJoin: vi.fn() }
    const topic = ref<string | null>(null)
    const scope = effectScope()
    const { state } = scope.run(() => useRealtimeTopic(topic, listener))!
    await vi.advanceTimersByTimeAsync(0)
    expect(realtime.channels).toHaveLength(0)

    topic.value = 'user:u1'
    await vi.advanceTimersByTimeAsync(0)
    realtime.channels[0]!.status('SUBSCRIBED')
    expect(state.value).toBe('live')
    realtime.channels[0]!.status('CLOSED')
    expect(state.value).toBe('retrying')
    await vi.advanceTimersByTimeAsync(1000)
    expect(realtime.channels.map(channel => channel.topic)).toEqual(['user:u1'])
    realtime.channels[0]!.status('SUBSCRIBED')
    expect(listener.onJoin).toHaveBeenCalledTimes(2)

    topic.value = 'user:u2'
    await vi.advanceTimersByTimeAsync(0)
    expect(realtime.channels.map(channel => channel.topic)).toEqual(['user:u2'])
    scope.stop()
    vi.useRealTimers()
  })
})
