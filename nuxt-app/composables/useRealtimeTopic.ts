// Live updates from the database's broadcasts on private Realtime topics (`ticket:<id>`,
// `user:<id>`, `backups`, later `conversation:<id>`), joined with the session's token. One channel
// per topic however many components listen. Every (re)join calls `onJoin`: that is where a
// listener fetches what it may have missed while it was away (first load, lost connection,
// sleeping tab, refused join retried), so the database's order always wins over the order events
// arrived in. No polling. Listeners may also be present on a topic (presence, tracked anew on every
// join) and send client broadcasts there (typing indicators); the topic's RLS policies decide
// whether they may.
import type { RealtimeChannel } from '@supabase/realtime-js'

export interface TopicMessage { event: string, payload: Record<string, unknown> }
export type PresenceMeta = Record<string, unknown>
interface Listener {
  onMessage: (message: TopicMessage) => void
  onJoin?: () => void
  /** Shown as present with `meta` while joined; `onSync` hears every present meta on each change (none while away). */
  presence?: { meta: PresenceMeta, onSync: (metas: PresenceMeta[]) => void }
}
export type TopicState = 'joining' | 'live' | 'retrying'

interface Subscription {
  listeners: Set<Listener>
  state: Ref<TopicState>
  channel?: RealtimeChannel
  retryTimer?: ReturnType<typeof setTimeout>
  retries: number
}

const subscriptions = new Map<string, Subscription>()
const retryDelayMs = (retries: number) => Math.min(30_000, 1000 * 2 ** retries)

/** Follows a private topic while the calling scope lives; `topic` may change or be null (not yet known). */
export function useRealtimeTopic(topic: MaybeRefOrGetter<string | null>, listener: Listener): { state: ComputedRef<TopicState>, send: (event: string, payload: Record<string, unknown>) => Promise<boolean> } {
  const supabase = useSupabase()
  const current = shallowRef<{ name: string, subscription: Subscription } | null>(null)

  async function join(subscription: Subscription, name: string) {
    const client = await (await supabase()).realtime()
    // The session's current token, before the join: Realtime authorises private topics with it.
    await client.setAuth()
    if (subscriptions.get(name) !== subscription || subscription.listeners.size === 0) return
    const channel = client.channel(name, { config: { private: true } })
    subscription.channel = channel
    channel.on('broadcast', { event: '*' }, ({ event, payload }) => {
      for (const each of subscription.listeners) each.onMessage({ event, payload: payload as Record<string, unknown> })
    })
    // Presence only where a listener asks for it (ticket and user topics grant none); it is set up
    // with the channel, so a presence listener must be among a topic's first listeners.
    if ([...subscription.listeners].some(each => each.presence)) {
      channel.on('presence', { event: 'sync' }, () => {
        const metas = Object.values(channel.presenceState()).flat() as PresenceMeta[]
        for (const each of subscription.listeners) each.presence?.onSync(metas)
      })
    }
    channel.subscribe((status) => {
      if (status === 'SUBSCRIBED') {
        subscription.retries = 0
        subscription.state.value = 'live'
        for (const each of subscription.listeners) {
          if (each.presence) void channel.track(each.presence.meta)
          each.onJoin?.()
        }
        return
      }
      subscription.state.value = 'retrying'
      for (const each of subscription.listeners) each.presence?.onSync([])
      // Errors and time-outs are retried by the channel itself; a channel the server closed
      // (an expired token, access ended) is made anew with the session's fresh token.
      if (status === 'CLOSED' && subscription.channel === channel && subscription.listeners.size > 0) {
        subscription.channel = undefined
        void client.removeChannel(channel)
        subscription.retryTimer = setTimeout(() => join(subscription, name), retryDelayMs(subscription.retries++))
      }
    })
  }

  function attach(name: string) {
    let subscription = subscriptions.get(name)
    if (!subscription) {
      subscription = { listeners: new Set([listener]), state: ref<TopicState>('joining'), retries: 0 }
      subscriptions.set(name, subscription)
      void join(subscription, name)
    }
    else {
      subscription.listeners.add(listener)
      if (subscription.state.value === 'live') {
        if (listener.presence) void subscription.channel?.track(listener.presence.meta)
        listener.onJoin?.()
      }
    }
    current.value = { name, subscription }
  }

  function detach() {
    const joined = current.value
    current.value = null
    if (!joined) return
    const { name, subscription } = joined
    subscription.listeners.delete(listener)
    if (subscription.listeners.size > 0) return
    subscriptions.delete(name)
    clearTimeout(subscription.retryTimer)
    const channel = subscription.channel
    subscription.channel = undefined
    if (channel) void supabase().then(async client => (await client.realtime()).removeChannel(channel))
  }

  // A tab coming back to the foreground may have slept through events (timers are throttled,
  // sockets dropped): catch up once, even if the channel still looks joined.
  const catchUp = () => {
    if (document.visibilityState === 'visible' && current.value?.subscription.state.value === 'live') listener.onJoin?.()
  }
  document.addEventListener('visibilitychange', catchUp)
  watch(() => toValue(topic), (name) => {
    detach()
    if (name) attach(name)
  }, { immediate: true })
  onScopeDispose(() => {
    document.removeEventListener('visibilitychange', catchUp)
    detach()
  })
  /** A client broadcast on the joined topic, only over the socket (realtime-js would fall back to REST): dropped, not queued, while not joined. */
  async function send(event: string, payload: Record<string, unknown>): Promise<boolean> {
    const channel = current.value?.subscription.channel
    if (!channel || current.value?.subscription.state.value !== 'live') return false
    if (!(await (await supabase()).realtime()).isConnected()) return false
    return (await channel.send({ type: 'broadcast', event, payload })) === 'ok'
  }

  return { state: computed(() => current.value?.subscription.state.value ?? 'joining'), send }
}
