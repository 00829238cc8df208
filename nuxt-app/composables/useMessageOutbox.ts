// Messages written while they could not be sent (offline, no answer, a server error): kept per
// conversation in sessionStorage in writing order, shown as pending, and sent one after another
// once the browser is online again, the topic is rejoined, or the back-off's next try is due
// (1 s, 2 s, 4 s, … at most 30 s; utils/retry.ts). Each keeps its client-generated id, so a send
// that did reach the database before the connection broke lands once (send_message is idempotent
// on it); the catch-up after the rejoin then puts them in the database's order.
import { enqueue, nextToSend, readOutbox, withoutDelivered, writeOutbox, type PendingMessage } from '~/utils/chat-live'
import { backoffDelayMs } from '~/utils/retry'

/** What delivering one message came to: sent, refused (an i18n key), or not now (try again later). */
export type Delivery = { sent: true } | { sent: false, refusedKey: string | null }

export function useMessageOutbox(conversationId: MaybeRefOrGetter<string>, deliver: (message: PendingMessage) => Promise<Delivery>) {
  const pending = ref<PendingMessage[]>([])
  const { online } = useNetworkStatus()

  function save(queue: PendingMessage[]) {
    pending.value = queue
    writeOutbox(toValue(conversationId), queue)
  }

  /** Sends oldest first; false when a send failed for now (no answer, 5xx: the rest waits for the next try). */
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

  // The back-off: failed tries in a row, and the timer of the next one. Offline there is no timer;
  // the `online` event tries at once and starts the count afresh.
  let failures = 0
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  function retryLater() {
    clearTimeout(retryTimer)
    retryTimer = undefined
    if (!online.value || !nextToSend(pending.value)) return
    retryTimer = setTimeout(() => void flush(), backoffDelayMs(failures++))
  }

  let flushing: Promise<void> | null = null
  let again = false
  /** Sends what is queued until the queue is empty or a send fails for now (then the back-off tries again); one run at a time, and a call during a run makes it look again. */
  function flush(): Promise<void> {
    if (flushing) {
      again = true
      return flushing
    }
    clearTimeout(retryTimer)
    flushing = (async () => {
      try {
        let done: boolean
        do {
          again = false
          done = await run()
        } while (done && again)
        if (!done) retryLater()
        // All sent: the next failure starts from 1 s (unless one was queued after failing meanwhile).
        else if (!nextToSend(pending.value)) failures = 0
      }
      finally {
        flushing = null
      }
    })()
    return flushing
  }

  /** Queues a message; `failedOnce` when its own send just failed for now, so the back-off starts. */
  function queue(message: PendingMessage, failedOnce = false) {
    save(enqueue(pending.value, message))
    if (failedOnce) retryLater()
  }

  /** Forgets a refused message (its text is shown until then, so nothing is lost unseen). */
  const discard = (id: string) => save(withoutDelivered(pending.value, [id]))

  watch(() => toValue(conversationId), (id) => {
    pending.value = readOutbox(id)
    failures = 0
    void flush()
  }, { immediate: true })
  watch(online, (now) => {
    failures = 0
    if (now) void flush()
    else clearTimeout(retryTimer)
  })
  onScopeDispose(() => clearTimeout(retryTimer))

  return { pending: computed(() => pending.value), queue, flush, discard }
}
