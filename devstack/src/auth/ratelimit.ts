// GoTrue's limiters (tollbooth token buckets, internal/api/options.go): each key holds up to
// `capacity` requests and refills continuously at `perWindow` requests per window. The clock is
// injectable so tests can move time instead of waiting an hour.
export type Clock = () => number

export class TokenBucketLimiter {
  readonly capacity: number
  readonly perWindow: number
  readonly windowMs: number
  private readonly now: Clock
  private readonly buckets = new Map<string, { tokens: number, at: number }>()

  constructor(options: { capacity: number, perWindow: number, windowMs: number, now?: Clock }) {
    this.capacity = options.capacity
    this.perWindow = options.perWindow
    this.windowMs = options.windowMs
    this.now = options.now ?? Date.now
  }

  /** Takes one request for `key`; false when the bucket is empty. */
  take(key: string): boolean {
    const now = this.now()
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, at: now }
    bucket.tokens = Math.min(this.capacity, bucket.tokens + ((now - bucket.at) * this.perWindow) / this.windowMs)
    bucket.at = now
    const allowed = bucket.tokens >= 1
    if (allowed) bucket.tokens -= 1
    if (bucket.tokens >= this.capacity) this.buckets.delete(key)
    else this.buckets.set(key, bucket)
    return allowed
  }
}

const fiveMinutes = 5 * 60_000
const oneHour = 60 * 60_000

/**
 * The per-IP limiters GoTrue puts in front of its endpoints (internal/api/apilimiter), from
 * `[auth.rate_limit]`: every /token grant shares `token_refresh`; `sign_in_sign_ups` (the CLI's
 * GOTRUE_RATE_LIMIT_OTP) feeds one bucket each for /recover, /resend, /magiclink, /otp, PUT /user
 * and /signup.
 */
export function createLimiters(limits: { tokenRefresh: number, signInSignUps: number, tokenVerifications: number, emailSent: number }, now?: Clock) {
  // GoTrue fixes the burst of its per-5-minute limiters at 30, whatever the configured rate.
  const per5Minutes = (rate: number) => new TokenBucketLimiter({ capacity: 30, perWindow: rate, windowMs: fiveMinutes, now })
  // GOTRUE_MFA_RATE_LIMIT_CHALLENGE_AND_VERIFY: 15 per minute, burst 30 (no config.toml key).
  const perMinute = () => new TokenBucketLimiter({ capacity: 30, perWindow: 15, windowMs: 60_000, now })
  return {
    token: per5Minutes(limits.tokenRefresh),
    verify: per5Minutes(limits.tokenVerifications),
    recover: per5Minutes(limits.signInSignUps),
    resend: per5Minutes(limits.signInSignUps),
    magicLink: per5Minutes(limits.signInSignUps),
    otp: per5Minutes(limits.signInSignUps),
    user: per5Minutes(limits.signInSignUps),
    signups: per5Minutes(limits.signInSignUps),
    factorChallenge: perMinute(),
    factorVerify: perMinute(),
    /** Project-wide, not per IP: burst and refill both `email_sent` per hour. */
    email: new TokenBucketLimiter({ capacity: limits.emailSent, perWindow: limits.emailSent, windowMs: oneHour, now }),
  }
}

export type Limiters = ReturnType<typeof createLimiters>
