import { describe, expect, it } from 'vitest'
import { sessionDeadline, signedInAtFromToken } from '~/utils/session-limits'

const minute = 60_000
const limits = { idleMs: 30 * minute, maxMs: 12 * 60 * minute, warnMs: 2 * minute }

const token = (claims: object) => `header.${btoa(JSON.stringify(claims)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.signature`

describe('session limits', () => {
  it('ends 30 minutes after the last activity, warning 2 minutes before', () => {
    expect(sessionDeadline(0, 60 * minute, limits)).toEqual({ endsAt: 90 * minute, reason: 'idle', warnAt: 88 * minute })
  })

  it('ends 12 hours after sign-in however active the user is', () => {
    expect(sessionDeadline(0, 11.9 * 60 * minute, limits)).toMatchObject({ endsAt: 12 * 60 * minute, reason: 'absolute' })
  })

  it('reads the sign-in time from the earliest amr entry of the access token', () => {
    expect(signedInAtFromToken(token({ amr: [{ method: 'totp', timestamp: 2000 }, { method: 'password', timestamp: 1000 }] }))).toBe(1_000_000)
    expect(signedInAtFromToken(token({ sub: 'x' }))).toBeNull()
    expect(signedInAtFromToken('not-a-token')).toBeNull()
  })
})
