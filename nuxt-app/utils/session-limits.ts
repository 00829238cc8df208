// When a session ends on this device: 30 minutes without activity or 12 hours after sign-in,
// whichever comes first (ASVS L2; the server's [auth.sessions] limits are the same).

export interface SessionLimits {
  idleMs: number
  maxMs: number
  /** How long before the end the user is warned. */
  warnMs: number
}

export interface SessionDeadline {
  endsAt: number
  reason: 'idle' | 'absolute'
  warnAt: number
}

export function sessionDeadline(signedInAt: number, lastActivityAt: number, limits: SessionLimits): SessionDeadline {
  const idleEnd = lastActivityAt + limits.idleMs
  const absoluteEnd = signedInAt + limits.maxMs
  const [endsAt, reason] = idleEnd < absoluteEnd ? [idleEnd, 'idle' as const] : [absoluteEnd, 'absolute' as const]
  return { endsAt, reason, warnAt: endsAt - limits.warnMs }
}

/**
 * When the user signed in, from the access token's `amr` claim: GoTrue lists every method used in
 * this session with its time (seconds), and the earliest is the sign-in itself.
 */
export function signedInAtFromToken(accessToken: string): number | null {
  try {
    const payload = accessToken.split('.')[1] ?? ''
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { amr?: Array<{ timestamp?: number }> }
    const times = (claims.amr ?? []).map(entry => entry.timestamp).filter((time): time is number => typeof time === 'number')
    return times.length > 0 ? Math.min(...times) * 1000 : null
  }
  catch {
    return null
  }
}
