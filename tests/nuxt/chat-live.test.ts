// The live chat's pure parts and its outbox, in a Nuxt environment without a server: typing is
// announced at most once per interval and shown for 5 s, names come only from the participants,
// and messages written offline keep their order and ids, survive a reload in sessionStorage and
// are sent once each when the browser is back online. Realtime and the database themselves are
// proven by pgTAP, the integration tests and the chat journeys.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { mockNuxtImport } from '@nuxt/test-utils/runtime'
import { effectScope, ref } from 'vue'
import type { Delivery } from '~/composables/useMessageOutbox'
import { enqueue, nextToSend, presentNames, readOutbox, typingNames, typingShownMs, typingThrottle, withoutDelivered, type PendingMessage } from '~/utils/chat-live'

const { network } = vi.hoisted(() => ({ network: { online: undefined as unknown as { value: boolean } } }))
mockNuxtImport('useNetworkStatus', () => () => ({ online: network.online }))

const people = [{ id: 'anna', name: 'Anna Schmidt' }, { id: 'jonas', name: 'Jonas Becker' }, { id: 'me', name: 'Klaus Müller' }]
const pending = (id: string, body = `Text ${id}`): PendingMessage => ({ id, body, quotedId: null, attachmentIds: [], queuedAt: '2026-12-04T10:00:00Z' })

describe('typing and presence', () => {
  it('let one typing broadcast through per interval, and at once again after a message was sent', () => {
    const throttle = typingThrottle(2500)
    expect([0, 100, 2499, 2500, 4000, 5001].map(at => throttle.due(at))).toEqual([true, false, false, true, false, true])
    throttle.reset()
    expect(throttle.due(5002)).toBe(true)
  })

  it('show who types for 5 s after the last broadcast, only participants and never oneself', () => {
    const lastSeen = new Map([['jonas', 1000], ['me', 1000], ['stranger', 1000], ['anna', 3000]])
    expect(typingNames(lastSeen, people, 'me', 3500)).toEqual(['Anna Schmidt', 'Jonas Becker'])
    expect(typingNames(lastSeen, people, 'me', 1000 + typingShownMs)).toEqual(['Anna Schmidt'])
    expect(typingNames(lastSeen, people, 'me', 3000 + typingShownMs)).toEqual([])
  })

  it('name the other participants present, once each, ignoring ids that take no part', () => {
    expect(presentNames(['jonas', 'me', 'jonas', 'stranger', undefined], people, 'me')).toEqual(['Jonas Becker'])
  })
})

describe('outbox rules', () => {
  it('queue in writing order, an id only once, and send the oldest not refused first', () => {
    let queue = enqueue(enqueue(enqueue([], pending('a')), pending('b')), pending('a', 'retried'))
    expect(queue.map(each => [each.id, each.body])).toEqual([['a', 'Text a'], ['b', 'Text b']])
    queue = [{ ...queue[0]!, refusedKey: 'errors.codes.chat_closed' }, queue[1]!]
    expect(nextToSend(queue)?.id).toBe('b')
    expect(withoutDelivered(queue, ['b']).map(each => each.id)).toEqual(['a'])
  })
})

describe('useMessageOutbox', () => {
  beforeEach(() => {
    sessionStorage.clear()
    network.online = ref(false)
  })
  const settle = () => new Promise(resolve => setTimeout(resolve, 0))

  function outbox(deliver: (message: PendingMessage) => Promise<Delivery>) {
    const scope = effectScope()
    return { scope, ...scope.run(() => useMessageOutbox('c1', deliver))! }
  }

  it('keeps offline messages across a reload and sends each once, in order, when back online', async () => {
    const delivered: string[] = []
    const deliver = vi.fn(async (message: PendingMessage): Promise<Delivery> => {
      delivered.push(message.id)
      return { sent: true }
    })
    const first = outbox(deliver)
    first.queue(pending('a'))
    first.queue(pending('b'))
    await first.flush()
    expect(deliver).not.toHaveBeenCalled()
    expect(readOutbox('c1').map(each => each.id)).toEqual(['a', 'b'])
    first.scope.stop()

    // The reload: a new page reads the queue back and adds to it.
    const second = outbox(deliver)
    expect(second.pending.value.map(each => each.id)).toEqual(['a', 'b'])
    second.queue(pending('c'))
    network.online.value = true
    await settle()
    // `online` and a rejoin at the same moment: one run.
    await Promise.all([second.flush(), second.flush()])
    expect(delivered).toEqual(['a', 'b', 'c'])
    expect(second.pending.value).toEqual([])
    expect(sessionStorage.getItem('portal.draft.outbox.c1')).toBeNull()
    second.scope.stop()
  })

  it('stops at a send without an answer and keeps the order; a refused message waits to be discarded without holding the others', async () => {
    network.online.value = true
    const answers: Delivery[] = [{ sent: false, refusedKey: null }, { sent: false, refusedKey: 'errors.codes.body_too_long' }, { sent: true }, { sent: true }]
    const deliver = vi.fn(async (_message: PendingMessage): Promise<Delivery> => answers.shift()!)
    const box = outbox(deliver)
    box.queue(pending('a'))
    box.queue(pending('b'))
    await box.flush()
    expect(deliver).toHaveBeenCalledTimes(1)
    expect(box.pending.value.map(each => each.id)).toEqual(['a', 'b'])

    await box.flush()
    expect(deliver.mock.calls.map(([message]) => message.id)).toEqual(['a', 'a', 'b'])
    expect(box.pending.value.map(each => [each.id, each.refusedKey])).toEqual([['a', 'errors.codes.body_too_long']])
    box.discard('a')
    expect(box.pending.value).toEqual([])
    box.scope.stop()
  })

  describe('retries', () => {
    beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }))
    afterEach(() => vi.useRealTimers())
    // Lets the delivery's promises settle between timer steps.
    const step = async (ms: number) => {
      await vi.advanceTimersByTimeAsync(ms)
    }

    it('try a send that failed for now again after 1 s, 2 s, 4 s, … capped at 30 s, and once it went through, no more', async () => {
      network.online.value = true
      const failures = 7
      let calls = 0
      const deliver = vi.fn(async (_message: PendingMessage): Promise<Delivery> => (++calls <= failures ? { sent: false, refusedKey: null } : { sent: true }))
      const box = outbox(deliver)
      // As useConversation does when its own send got no answer or a 5xx.
      box.queue(pending('a'), true)
      const tries: number[] = []
      for (const wait of [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]) {
        await step(wait - 1)
        tries.push(deliver.mock.calls.length)
        await step(1)
      }
      // Each try came exactly when due, not a millisecond earlier.
      expect(tries).toEqual([0, 1, 2, 3, 4, 5, 6])
      expect(deliver).toHaveBeenCalledTimes(7)
      expect(box.pending.value.map(each => each.id)).toEqual(['a'])
      await step(30_000)
      expect(deliver).toHaveBeenCalledTimes(8)
      expect(box.pending.value).toEqual([])
      await step(120_000)
      expect(deliver).toHaveBeenCalledTimes(8)
      box.scope.stop()
    })

    it('never retry a refusal: it stays with its reason until discarded', async () => {
      network.online.value = true
      const deliver = vi.fn(async (_message: PendingMessage): Promise<Delivery> => ({ sent: false, refusedKey: 'errors.codes.chat_closed' }))
      const box = outbox(deliver)
      box.queue(pending('a'))
      await box.flush()
      await step(120_000)
      expect(deliver).toHaveBeenCalledTimes(1)
      expect(box.pending.value.map(each => [each.id, each.refusedKey])).toEqual([['a', 'errors.codes.chat_closed']])
      expect(readOutbox('c1').map(each => each.id)).toEqual(['a'])
      box.scope.stop()
    })

    it('wait for the network while offline, try at once when it is back, and start the back-off afresh', async () => {
      network.online.value = true
      const answers: Delivery[] = [{ sent: false, refusedKey: null }, { sent: false, refusedKey: null }, { sent: false, refusedKey: null }, { sent: true }]
      const deliver = vi.fn(async (_message: PendingMessage): Promise<Delivery> => answers.shift()!)
      const box = outbox(deliver)
      box.queue(pending('a'), true)
      await step(1000)
      await step(2000)
      expect(deliver).toHaveBeenCalledTimes(2)
      // Offline before the 4 s try: no timer fires while the browser has no network.
      network.online.value = false
      await step(60_000)
      expect(deliver).toHaveBeenCalledTimes(2)
      network.online.value = true
      await step(0)
      expect(deliver).toHaveBeenCalledTimes(3)
      // That try failed too: the next one after 1 s again, not after 8 s.
      await step(1000)
      expect(deliver).toHaveBeenCalledTimes(4)
      expect(box.pending.value).toEqual([])
      box.scope.stop()
    })

    it('stop trying when the page is left (the queue stays for the next visit)', async () => {
      network.online.value = true
      const deliver = vi.fn(async (_message: PendingMessage): Promise<Delivery> => ({ sent: false, refusedKey: null }))
      const box = outbox(deliver)
      box.queue(pending('a'), true)
      box.scope.stop()
      await step(60_000)
      expect(deliver).not.toHaveBeenCalled()
      expect(readOutbox('c1').map(each => each.id)).toEqual(['a'])
    })
  })
})
