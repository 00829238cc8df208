// What the REST benchmarks share: GoTrue-shaped access tokens, a bounded load loop, percentiles.
import { performance } from 'node:perf_hooks'
import { SignJWT } from 'jose'

/** An access token as GoTrue signs it (HS256); `sessionId` must exist in auth.sessions for the gate. */
export async function accessToken(jwtSecret: string, sub: string, sessionId: string, aal: 'aal1' | 'aal2' = 'aal1'): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ sub, role: 'authenticated', aud: 'authenticated', aal, session_id: sessionId, amr: [{ method: 'password', timestamp: now }] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt(now).setExpirationTime(now + 3600)
    .sign(new TextEncoder().encode(jwtSecret))
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0
}

const round = (value: number) => Math.round(value * 100) / 100

export interface LoadResult {
  concurrency: number
  requests: number
  errors: number
  seconds: number
  requestsPerSecond: number
  p50: number
  p95: number
  p99: number
  max: number
  /** Up to three distinct reasons of failed requests (the error's first line, or "wrong answer"). */
  errorSamples: string[]
}

/**
 * `concurrency` callers issue `request(caller index)` until `requests` are done or `maxSeconds`
 * passed. A request returns false when its answer was wrong (counted as an error).
 */
export async function runLoad(options: { concurrency: number, requests: number, maxSeconds: number }, request: (caller: number) => Promise<boolean>): Promise<LoadResult> {
  const latencies: number[] = []
  let errors = 0
  const errorSamples = new Set<string>()
  let issued = 0
  const started = performance.now()
  const deadline = started + options.maxSeconds * 1000
  const worker = async (caller: number) => {
    while (issued < options.requests && performance.now() < deadline) {
      issued++
      const begin = performance.now()
      const fine = await request(caller).catch((error: unknown) => {
        if (errorSamples.size < 3) errorSamples.add(String(error instanceof Error ? error.message : error).split('\n')[0]!.slice(0, 300))
        return false
      })
      latencies.push(performance.now() - begin)
      if (!fine) {
        errors++
        if (errorSamples.size < 3) errorSamples.add('wrong answer')
      }
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, (_, caller) => worker(caller)))
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  return {
    concurrency: options.concurrency,
    requests: latencies.length,
    errors,
    seconds: round(seconds),
    requestsPerSecond: round(latencies.length / seconds),
    p50: round(percentile(latencies, 50)),
    p95: round(percentile(latencies, 95)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies.at(-1) ?? 0),
    errorSamples: [...errorSamples],
  }
}
