// The live chat's pure rules: how often "typing" is announced and how long it is shown, who of the
// participants is present, and the queue of messages written while offline (kept per conversation
// in sessionStorage under the drafts' prefix `portal.draft.`, so a reload loses nothing and the
// sign-out's clearing of the drafts forgets them too).

/** At most one typing broadcast per this interval while someone types. */
export const typingIntervalMs = 2500
/** An indicator goes out this long after the last broadcast (a little over two intervals). */
export const typingShownMs = 5000

export interface Person { id: string, name: string }

/** Lets one typing broadcast through per interval; `reset` after sending, so the next keystroke announces again at once. */
export function typingThrottle(intervalMs = typingIntervalMs) {
  let last = Number.NEGATIVE_INFINITY
  return {
    due(now: number) {
      if (now - last < intervalMs) return false
      last = now
      return true
    },
    reset: () => (last = Number.NEGATIVE_INFINITY),
  }
}

/**
 * Who types now: the participants (never a name from the payload) whose last broadcast is younger
 * than `typingShownMs`, without oneself, in the participants' order.
 */
export function typingNames(lastSeen: ReadonlyMap<string, number>, people: readonly Person[], myId: string | null, now: number): string[] {
  return people.filter(person => person.id !== myId && now - (lastSeen.get(person.id) ?? Number.NEGATIVE_INFINITY) < typingShownMs)
    .map(person => person.name)
}

/** The other participants present on the topic (present user ids are matched against them, unknown ones ignored). */
export function presentNames(presentIds: Iterable<unknown>, people: readonly Person[], myId: string | null): string[] {
  const present = new Set(presentIds)
  return people.filter(person => person.id !== myId && present.has(person.id)).map(person => person.name)
}

/** A message written while it could not be sent: its client-generated id makes the later send idempotent. */
export interface PendingMessage {
  id: string
  body: string
  quotedId: string | null
  attachmentIds: string[]
  queuedAt: string
  /** The i18n key of the database's refusal: such a message is not sent again, only discarded. */
  refusedKey?: string
}

/** Appends in writing order; an id already queued stays where it is (a retried submit queues nothing twice). */
export function enqueue(queue: readonly PendingMessage[], message: PendingMessage): PendingMessage[] {
  return queue.some(each => each.id === message.id) ? [...queue] : [...queue, message]
}

/** What to send next: the oldest message not refused (refused ones do not hold the others back). */
export const nextToSend = (queue: readonly PendingMessage[]) => queue.find(each => !each.refusedKey) ?? null

/** Removes the messages the database now has (they appear among its messages instead). */
export const withoutDelivered = (queue: readonly PendingMessage[], deliveredIds: Iterable<string>) => {
  const delivered = new Set(deliveredIds)
  return queue.filter(each => !delivered.has(each.id))
}

const outboxKey = (conversationId: string) => `portal.draft.outbox.${conversationId}`

export function readOutbox(conversationId: string): PendingMessage[] {
  try {
    const stored = JSON.parse(sessionStorage.getItem(outboxKey(conversationId)) ?? '[]') as unknown
    if (Array.isArray(stored)) {
      return stored.filter((each): each is PendingMessage => typeof each?.id === 'string' && typeof each?.body === 'string')
        .map(each => ({ ...each, quotedId: each.quotedId ?? null, attachmentIds: Array.isArray(each.attachmentIds) ? each.attachmentIds : [] }))
    }
  }
  catch {
    // an unreadable queue is an empty one
  }
  return []
}

export function writeOutbox(conversationId: string, queue: readonly PendingMessage[]) {
  if (queue.length) sessionStorage.setItem(outboxKey(conversationId), JSON.stringify(queue))
  else sessionStorage.removeItem(outboxKey(conversationId))
}
