// The outbox's retry schedule (nuxt-app/utils/retry.ts): doubling from 1 s, capped at 30 s, and
// retries only for failures that may pass by themselves (no answer, 5xx, 408/429), never for a refusal.
import { expect, it } from 'vitest'
import { backoffDelayMs, isTransientFailure } from '../../nuxt-app/utils/retry.ts'

it('waits 1 s, 2 s, 4 s, … and never more than 30 s', () => {
  expect(Array.from({ length: 8 }, (_, attempt) => backoffDelayMs(attempt))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000])
  expect(backoffDelayMs(1000)).toBe(30_000)
  expect(backoffDelayMs(-3)).toBe(1000)
  expect(backoffDelayMs(2, { firstMs: 100, maxMs: 250 })).toBe(250)
})

it('retries a send that got no answer, a server error or a "later", not a refusal', () => {
  expect([0, null, undefined, 500, 502, 503, 504, 408, 429].map(isTransientFailure)).toEqual(Array(9).fill(true))
  expect([400, 401, 403, 404, 409, 413, 422].map(isTransientFailure)).toEqual(Array(7).fill(false))
})
