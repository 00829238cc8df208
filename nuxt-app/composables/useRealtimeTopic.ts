// Live updates from the database's broadcasts on private Realtime topics (`ticket:<id>`,
// `user:<id>`, `backups`, later `conversation:<id>`), joined with the session's token. One channel
// per topic however many components listen. Every (re)join calls `onJoin`: that is where a
// listener fetches what it may have missed while it was away (first load, lost connection,
// sleeping tab, refused join retried), so the database's order always wins over the order events
// arrived in. No polling.
import type { RealtimeChannel } from '@supabase/realtime-js'

export interface TopicMessage { event: string, payload: Record<string, unknown> }
interface Listener { onMessage: (message: TopicMessage) => void, onJoin?: () => void }
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
export function useRealtimeTopic(topic: MaybeRefOrGetter<string | null>, listener: Listener): { state: ComputedRef<TopicState> } {
  const supabase = useSupabase()
  const current = shallowRef<{ name: string, subscription: Subscription } | null>(null)

  async function join(subscription: Subscription, name: string) {
    const client = await (await supabase()).realtime()
    // The session's current token, before the join: Realtime authorises private topics with it.
    await client.setAuth()
    if (subscriptions.get(name) !== subscription || subscription.listeners.size === 0) return
    const channel = client.channel(name, { config: { private: true } })
    subscription.channel = channel
    channel
      .on('broadcast', { event: '*' }, ({ event, payload }) => {
        for (const each of subscription.listeners) each.onMessage({ event, payload: payload as Record<string, unknown> })
      })
      .subscribe((status) => {
        if (status === 'SUBSCRIBED') {
          subscription.retries = 0
          subscription.state.value = 'live'
          for (const each of subscription.listeners) each.onJoin?.()
          return
        }
        subscription.state.value = 'retrying'
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
      if (subscription.state.value === 'live') listener.onJoin?.()
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
  return { state: computed(() => current.value?.subscription.state.value ?? 'joining') }
}
