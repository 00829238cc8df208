// Password storage and rules as GoTrue has them: bcrypt `$2a$` with cost 10 (Go's
// bcrypt.DefaultCost), at most 72 bytes, and the strength rules of `minimum_password_length` and
// `password_requirements` (internal/api/password.go).
import { randomBytes } from 'node:crypto'
import bcrypt from 'bcryptjs'
import { AuthError, badRequest } from './errors.ts'

const maxPasswordBytes = 72

export async function hashPassword(password: string): Promise<string> {
  // bcryptjs writes the `$2b$` prefix; Go writes `$2a$`. The hash is identical for both.
  const salt = bcrypt.genSaltSync(10).replace(/^\$2b\$/, '$2a$')
  return bcrypt.hash(password, salt)
}

/** The password GoTrue gives accounts nobody chose one for (invitees on confirmation, magic-link sign-ups). */
export function randomPassword(): string {
  return randomBytes(48).toString('base64url')
}

export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  if (!hash || !/^\$2[aby]\$/.test(hash)) return false
  return bcrypt.compare(password, hash)
}

export interface PasswordRules { minimumPasswordLength: number, requiredCharacters: string[] }

export interface WeakPassword { reasons: string[], message: string }

/** The reasons a password is weak under the rules, or null; throws on a password over 72 bytes. */
export function passwordWeakness(password: string, rules: PasswordRules): WeakPassword | null {
  if (Buffer.byteLength(password) > maxPasswordBytes) {
    throw badRequest('validation_failed', `Password cannot be longer than ${maxPasswordBytes} characters`)
  }
  const reasons: string[] = []
  const messages: string[] = []
  if (Buffer.byteLength(password) < rules.minimumPasswordLength) {
    reasons.push('length')
    messages.push(`Password should be at least ${rules.minimumPasswordLength} characters.`)
  }
  const missesASet = rules.requiredCharacters.some(set => set && ![...set].some(char => password.includes(char)))
  if (missesASet) {
    reasons.push('characters')
    messages.push(`Password should contain at least one character of each: ${rules.requiredCharacters.join(', ')}.`)
  }
  return reasons.length ? { reasons, message: messages.join(' ') } : null
}

/** 422 weak_password with `weak_password.reasons`, as auth-js turns into AuthWeakPasswordError. */
export function assertStrongPassword(password: string, rules: PasswordRules): void {
  const weakness = passwordWeakness(password, rules)
  if (weakness) throw new AuthError(422, 'weak_password', weakness.message, { weak_password: { reasons: weakness.reasons } })
}
