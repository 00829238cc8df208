// The account's security state as the database reports it (rpc `my_access_state`), and what it
// means for where the user may go. Postgres enforces the same rules (private.access_allowed());
// the app only steers the user to the one step that unlocks it.

export type Persona = 'admin' | 'staff' | 'client' | 'guest'

export interface SecurityState {
  persona: Persona | null
  displayName: string | null
  locale: string | null
  totpEnrolled: boolean
  emailFactorEnrolled: boolean
  /** Account creation + 3 days (ended early by a staff reset); until then no factor is needed. */
  graceDeadline: Date
  /** The account has a factor, and this session has not been confirmed with one yet. */
  stepUpRequired: boolean
  /** No factor and no grace left: only the set-up is open. */
  enrolmentRequired: boolean
  /** What private.access_allowed() says for this session. */
  accessAllowed: boolean
}

/** Which single step the user must take next; `open` means the portal is usable. */
export type SecurityGate = 'sign-in' | 'unavailable' | 'step-up' | 'enrol' | 'open'

const personas: Persona[] = ['admin', 'staff', 'client', 'guest']

/** Reads the RPC's JSON (snake_case) defensively: anything unexpected counts as "not allowed". */
export function parseSecurityState(raw: unknown): SecurityState {
  const row = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>
  const factors = (row.factors && typeof row.factors === 'object' ? row.factors : {}) as Record<string, unknown>
  const deadline = new Date(String(row.grace_period_ends_at ?? ''))
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null)
  return {
    persona: personas.includes(row.persona as Persona) ? row.persona as Persona : null,
    displayName: text(row.display_name),
    locale: text(row.locale),
    totpEnrolled: typeof factors.totp === 'number' && factors.totp > 0,
    emailFactorEnrolled: factors.email === true,
    graceDeadline: Number.isNaN(deadline.getTime()) ? new Date(0) : deadline,
    stepUpRequired: row.step_up_required === true,
    // Unknown means required: the set-up is the safe place to send someone.
    enrolmentRequired: row.enrolment_required !== false,
    accessAllowed: row.access_allowed === true,
  }
}

export const hasSecondFactor = (state: SecurityState) => state.totpEnrolled || state.emailFactorEnrolled

/** Whole days left to set up a factor, rounded up (0 once the deadline has passed). */
export function graceDaysLeft(state: SecurityState, now: Date): number {
  const millisLeft = state.graceDeadline.getTime() - now.getTime()
  return millisLeft <= 0 ? 0 : Math.ceil(millisLeft / 86_400_000)
}

export function securityGate(signedIn: boolean, state: SecurityState | null, now: Date): SecurityGate {
  if (!signedIn) return 'sign-in'
  if (!state) return 'unavailable'
  if (state.stepUpRequired) return 'step-up'
  if (!hasSecondFactor(state) && (state.enrolmentRequired || state.graceDeadline.getTime() <= now.getTime())) return 'enrol'
  return 'open'
}
