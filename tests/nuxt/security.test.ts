import { describe, expect, it } from 'vitest'
import { graceDaysLeft, parseSecurityState, securityGate, type SecurityState } from '~/utils/security'
import { guardRedirect, paths, safeReturnPath, type RouteTarget } from '~/utils/routes'

const now = new Date('2026-11-27T12:00:00Z')
const state = (overrides: Partial<SecurityState> = {}): SecurityState => ({
  persona: 'client',
  displayName: 'Jonas Becker',
  locale: 'de',
  totpEnrolled: false,
  emailFactorEnrolled: false,
  graceDeadline: new Date('2026-11-29T12:00:00Z'),
  stepUpRequired: false,
  enrolmentRequired: false,
  accessAllowed: true,
  ...overrides,
})
const route = (path: string, meta: RouteTarget['meta'] = {}): RouteTarget => ({ path, fullPath: path, meta })

describe('security state', () => {
  it('reads the RPC answer and treats anything unexpected as not allowed', () => {
    const parsed = parseSecurityState({
      persona: 'staff', display_name: 'Dr. Anna Berg', locale: 'de', factors: { totp: 1, email: false }, has_factor: true,
      grace_period_ends_at: '2026-11-30T00:00:00Z', step_up_required: true, enrolment_required: false, access_allowed: false,
    })
    expect(parsed).toMatchObject({ persona: 'staff', displayName: 'Dr. Anna Berg', totpEnrolled: true, emailFactorEnrolled: false, stepUpRequired: true, enrolmentRequired: false, accessAllowed: false })
    expect(parsed.graceDeadline.toISOString()).toBe('2026-11-30T00:00:00.000Z')
    expect(parseSecurityState({ persona: 'root', factors: { totp: 'yes', email: 'yes' } })).toMatchObject({ persona: null, totpEnrolled: false, emailFactorEnrolled: false, enrolmentRequired: true, accessAllowed: false })
    // After a staff reset the grace period is over: no deadline in the answer.
    expect(parseSecurityState({ factors: { totp: 0, email: false }, grace_period_ends_at: null }).graceDeadline.getTime()).toBe(0)
  })

  it('counts the grace days left, rounded up, and zero once the deadline has passed', () => {
    expect(graceDaysLeft(state(), now)).toBe(2)
    expect(graceDaysLeft(state({ graceDeadline: new Date('2026-11-27T13:00:00Z') }), now)).toBe(1)
    expect(graceDaysLeft(state({ graceDeadline: new Date('2026-11-27T11:00:00Z') }), now)).toBe(0)
  })

  it('asks for exactly one next step: sign in, confirm the factor, set one up', () => {
    expect(securityGate(false, null, now)).toBe('sign-in')
    expect(securityGate(true, null, now)).toBe('unavailable')
    expect(securityGate(true, state({ totpEnrolled: true, stepUpRequired: true }), now)).toBe('step-up')
    expect(securityGate(true, state(), now)).toBe('open')
    expect(securityGate(true, state({ graceDeadline: new Date('2026-11-27T11:59:59Z') }), now)).toBe('enrol')
    expect(securityGate(true, state({ emailFactorEnrolled: true, graceDeadline: new Date(0) }), now)).toBe('open')
    // The database's word counts even when this device's clock says there is time left.
    expect(securityGate(true, state({ enrolmentRequired: true }), now)).toBe('enrol')
  })
})

describe('route guard', () => {
  it('sends visitors without a session to the sign-in page and back afterwards', () => {
    expect(guardRedirect(route('/dokumente'), 'sign-in', null)).toBe(`${paths.signIn}?weiter=%2Fdokumente`)
    expect(guardRedirect(route('/'), 'sign-in', null)).toBe(paths.signIn)
    expect(guardRedirect(route(paths.signIn, { public: true }), 'sign-in', null)).toBeNull()
  })

  it('allows only the step-up page while a factor must be confirmed', () => {
    expect(guardRedirect(route('/nachrichten'), 'step-up', 'client')).toBe(`${paths.stepUp}?weiter=%2Fnachrichten`)
    expect(guardRedirect(route(paths.stepUp), 'step-up', 'client')).toBeNull()
    expect(guardRedirect(route(paths.enrol), 'step-up', 'client')).toContain(paths.stepUp)
  })

  it('allows only the set-up after the grace period without a factor', () => {
    expect(guardRedirect(route(paths.profile), 'enrol', 'client')).toBe(paths.enrol)
    expect(guardRedirect(route(paths.enrol), 'enrol', 'client')).toBeNull()
  })

  it('keeps staff pages to staff and sends signed-in users away from sign-in and step-up', () => {
    const staffOnly = route('/verwaltung', { personas: ['admin', 'staff'] })
    expect(guardRedirect(staffOnly, 'open', 'client')).toBe(paths.home)
    expect(guardRedirect(staffOnly, 'open', 'guest')).toBe(paths.home)
    expect(guardRedirect(staffOnly, 'open', 'staff')).toBeNull()
    expect(guardRedirect(route(paths.signIn, { public: true }), 'open', 'staff')).toBe(paths.home)
    expect(guardRedirect(route(paths.stepUp), 'open', 'staff')).toBe(paths.home)
  })

  it('follows only paths inside the app after sign-in', () => {
    expect(safeReturnPath('/akten?id=1')).toBe('/akten?id=1')
    expect(safeReturnPath('//evil.example/x')).toBe(paths.home)
    expect(safeReturnPath('https://evil.example')).toBe(paths.home)
    expect(safeReturnPath(['/akten'])).toBe(paths.home)
  })
})
