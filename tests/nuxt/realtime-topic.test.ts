// useRealtimeTopic with a stand-in Realtime client: one private channel per topic however many
// listen, every (re)join asks the listeners to catch up, a channel the server closed is joined
// anew, and the last listener leaving removes it. The real Realtime is proven by the integration
// and browser tests.
import { describe, expect, it, vi } from 'vitest'
import { mockNuxtImport } from '@nuxt/test-utils/runtime'
import { effectScope, ref } from 'vue'

type Status = 'SUBSCRIBED' | 'CHANNEL_ERROR' | 'CLOSED'
interface FakeChannel {
  topic: string
  private: boolean
  listensTo: string[]
  tracked: object[]
  sent: object[]
  presence: Record<string, object[]>
  emit: (event: string, payload: object) => void
  status: (status: Status) => void
  syncPresence: (state: Record<string, object[]>) => void
}

const { realtime } = vi.hoisted(() => {
  const channels: FakeChannel[] = []
  const client = {
    channels,
    connected: true,
    isConnected: () => client.connected,
    setAuth: vi.fn(async () => {}),
    removeChannel: vi.fn(async (channel: FakeChannel) => void channels.splice(channels.indexOf(channel), 1)),
    channel: vi.fn((topic: string, options: { config: { private: boolean } }) => {
      const callbacks: Record<string, (message: never) => void> = {}
      let onStatus: (status: Status) => void = () => {}
      const channel = {
        topic,
        private: options.config.private,
        listensTo: [] as string[],
        tracked: [] as object[],
        sent: [] as object[],
        presence: {} as Record<string, object[]>,
        emit: (event: string, payload: object) => callbacks.broadcast?.({ event, payload } as never),
        status: (status: Status) => onStatus(status),
        syncPresence: (state: Record<string, object[]>) => {
          channel.presence = state
          callbacks.presence?.({} as never)
        },
        presenceState: () => channel.presence,
        track: async (meta: object) => void channel.tracked.push(meta),
        send: async (message: object) => {
          channel.sent.push(message)
          return 'ok'
        },
        on: (type: string, _filter: object, callback: (message: never) => void) => {
          callbacks[type] = callback
          channel.listensTo.push(type)
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

  it('is present where a listener asks for it, tracked anew on every join, and sends typing only over a joined socket', async () => {
    const heard: unknown[][] = []
    const listener = { onMessage: vi.fn(), presence: { meta: { user_id: 'me' }, onSync: (metas: unknown[]) => heard.push(metas) } }
    const scope = effectScope()
    const { send } = scope.run(() => useRealtimeTopic('conversation:c1', listener))!
    const plain = effectScope()
    plain.run(() => useRealtimeTopic('ticket:t1', { onMessage: vi.fn() }))
    await settle()
    const [chat, ticket] = realtime.channels
    expect(chat!.listensTo).toEqual(['broadcast', 'presence'])
    expect(ticket!.listensTo).toEqual(['broadcast'])

    expect(await send('typing', { user_id: 'me' })).toBe(false)
    chat!.status('SUBSCRIBED')
    expect(chat!.tracked).toEqual([{ user_id: 'me' }])
    chat!.syncPresence({ a: [{ user_id: 'me' }], b: [{ user_id: 'jonas' }, { user_id: 'jonas' }] })
    expect(heard.at(-1)).toEqual([{ user_id: 'me' }, { user_id: 'jonas' }, { user_id: 'jonas' }])
    expect(await send('typing', { user_id: 'me' })).toBe(true)
    expect(chat!.sent).toEqual([{ type: 'broadcast', event: 'typing', payload: { user_id: 'me' } }])

    // Away: nobody is known to be present, and nothing is sent (nor handed to REST).
    chat!.status('CHANNEL_ERROR')
    expect(heard.at(-1)).toEqual([])
    expect(await send('typing', { user_id: 'me' })).toBe(false)
    chat!.status('SUBSCRIBED')
    realtime.connected = false
    expect(await send('typing', { user_id: 'me' })).toBe(false)
    realtime.connected = true
    expect(chat!.tracked).toHaveLength(2)
    expect(chat!.sent).toHaveLength(1)
    scope.stop()
    plain.stop()
  })
})
