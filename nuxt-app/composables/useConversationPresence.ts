// Who of a conversation's participants is here, and who is typing, on its `conversation:<id>` topic:
// presence (each tab tracks its user's id) and throttled `typing` client broadcasts carrying only the
// sender's id, never text, never stored. Names come from the participants the app read from the
// database; an id that is not among them is ignored. RLS on realtime.messages lets only current
// participants with access join, track and send there.
import { presentNames, typingNames, typingShownMs, typingThrottle, type Person } from '~/utils/chat-live'

export function useConversationPresence(topic: MaybeRefOrGetter<string | null>, people: MaybeRefOrGetter<Person[]>, myId: MaybeRefOrGetter<string | null>) {
  const presentIds = shallowRef<unknown[]>([])
  const lastTyped = shallowRef(new Map<string, number>())
  const now = ref(Date.now())
  const timers = new Set<ReturnType<typeof setTimeout>>()

  /** Re-reads the clock once an indicator may have run out. */
  function expireLater() {
    const timer = setTimeout(() => {
      timers.delete(timer)
      now.value = Date.now()
    }, typingShownMs + 50)
    timers.add(timer)
  }

  function heard(userId: string, typing: boolean) {
    const next = new Map(lastTyped.value)
    if (typing) next.set(userId, Date.now())
    else next.delete(userId)
    lastTyped.value = next
    now.value = Date.now()
    if (typing) expireLater()
  }

  const live = useRealtimeTopic(topic, {
    onMessage: ({ event, payload }) => {
      if (typeof payload.user_id === 'string' && event === 'typing') heard(payload.user_id, true)
      // A message ends its author's typing at once.
      else if (event === 'message_created' && typeof payload.author_id === 'string') heard(payload.author_id, false)
    },
    presence: {
      meta: { user_id: toValue(myId) },
      onSync: metas => (presentIds.value = metas.map(meta => meta.user_id)),
    },
  })

  const throttle = typingThrottle()
  /** Call on every keystroke: announces typing at most once per interval. */
  function typed() {
    const me = toValue(myId)
    if (me && throttle.due(Date.now())) void live.send('typing', { user_id: me })
  }

  onScopeDispose(() => timers.forEach(clearTimeout))
  return {
    present: computed(() => presentNames(presentIds.value, toValue(people), toValue(myId))),
    typing: computed(() => typingNames(lastTyped.value, toValue(people), toValue(myId), now.value)),
    typed,
    /** After sending: the next keystroke announces typing again at once. */
    sent: throttle.reset,
  }
}
