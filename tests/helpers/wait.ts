/** Polls `probe` until it returns a value (not undefined) or the time is up; returns the last answer. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 250): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined || Date.now() > deadline) return value
    await new Promise(resolveWait => setTimeout(resolveWait, intervalMs))
  }
}
