// When to try a failed send again: exponential back-off (1 s, 2 s, 4 s, … at most 30 s), and which
// failures are worth it at all. Pure, so the schedule is tested without timers.

export interface BackoffOptions { firstMs?: number, maxMs?: number }

/** The wait before retry number `attempt` (0 for the first retry after the first failure). */
export function backoffDelayMs(attempt: number, { firstMs = 1000, maxMs = 30_000 }: BackoffOptions = {}): number {
  const step = Math.max(0, Math.floor(attempt))
  // 2 ** 31 and beyond is past any cap; keep the arithmetic finite.
  return Math.min(maxMs, firstMs * 2 ** Math.min(step, 30))
}

/**
 * Whether a failed request may succeed later unchanged: no answer at all (status 0: offline, the
 * connection broke), a server error (5xx, e.g. the API restarting), or the two 4xx that mean
 * "later" rather than "no" (408 timeout, 429 too many requests). Any other 4xx is the database's
 * or the API's refusal of this very request and stays one, however often it is sent.
 */
export const isTransientFailure = (httpStatus: number | null | undefined) =>
  !httpStatus || httpStatus >= 500 || httpStatus === 408 || httpStatus === 429
