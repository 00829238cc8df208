// Waiting for the connection instead of failing: an upload that broke off while the browser is
// offline starts again once it is back online (tus then asks Storage for the offset it holds and
// continues from there). While online, failures stay failures (after tus' own retries).

export interface Connectivity {
  online: () => boolean
  /** Calls `then` once, at the next `online` event. */
  onceOnline: (then: () => void) => void
}

export const browserConnectivity: Connectivity = {
  online: () => navigator.onLine,
  onceOnline: then => window.addEventListener('online', () => then(), { once: true }),
}

/** An error handler that fails while online and, offline, resumes with `restart` when the connection returns. */
export function failOrResumeWhenOnline<E>(restart: () => void, fail: (error: E) => void, connectivity: Connectivity = browserConnectivity) {
  return (error: E) => (connectivity.online() ? fail(error) : connectivity.onceOnline(restart))
}
