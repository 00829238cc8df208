// Messages written while they could not be sent (offline, or the send got no answer): kept per
// conversation in sessionStorage in writing order, shown as pending, and sent one after another
// once the browser is online again or the topic is rejoined. Each keeps its client-generated id, so
// a send that did reach the database before the connection broke lands once (send_message is
// idempotent on it); the catch-up after the rejoin then puts them in the database's order.
import { enqueue, nextToSend, readOutbox, withoutDelivered, writeOutbox, type PendingMessage } from '~/utils/chat-live'

/** What delivering one message came to: sent, refused (an i18n key), or no answer (try again later). */
export type Delivery = { sent: true } | { sent: false, refusedKey: string | null }

export function useMessageOutbox(conversationId: MaybeRefOrGetter<string>, deliver: (message: PendingMessage) => Promise<Delivery>) {
  const pending = ref<PendingMessage[]>([])
  const { online } = useNetworkStatus()

  function save(queue: PendingMessage[]) {
    pending.value = queue
    writeOutbox(toValue(conversationId), queue)
  }

  /** Sends oldest first; false when a send got no answer (the rest waits for the next chance). */
  async function run(): Promise<boolean> {
    for (let next = nextToSend(pending.value); next && online.value; next = nextToSend(pending.value)) {
      const outcome = await deliver(next)
      const id = next.id
      if (outcome.sent) save(withoutDelivered(pending.value, [id]))
      else if (outcome.refusedKey) save(pending.value.map(each => (each.id === id ? { ...each, refusedKey: outcome.refusedKey! } : each)))
      else return false
    }
    return true
  }

  let flushing: Promise<void> | null = null
  let again = false
  /** Sends what is queued until the queue is empty or a send gets no answer; one run at a time, and a call during a run makes it look again. */
  function flush(): Promise<void> {
    if (flushing) {
      again = true
      return flushing
    }
    flushing = (async () => {
      try {
        do again = false
        while (await run() && again)
      }
      finally {
        flushing = null
      }
    })()
    return flushing
  }

  function queue(message: PendingMessage) {
    save(enqueue(pending.value, message))
  }

  /** Forgets a refused message (its text is shown until then, so nothing is lost unseen). */
  const discard = (id: string) => save(withoutDelivered(pending.value, [id]))

  watch(() => toValue(conversationId), (id) => {
    pending.value = readOutbox(id)
    void flush()
  }, { immediate: true })
  watch(online, (now) => {
    if (now) void flush()
  })

  return { pending: computed(() => pending.value), queue, flush, discard }
}
