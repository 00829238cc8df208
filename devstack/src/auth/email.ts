// GoTrue's validateEmail (internal/api/mail.go): required, at most 255 bytes, the format of
// github.com/badoux/checkmail, then lower-cased. Every address that enters Auth goes through it:
// invite, admin create/update, generate_link, sign-up, recover, resend, OTP and e-mail change.
import { badRequest } from './errors.ts'

const checkmailFormat = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/

export function validateEmail(email: string): string {
  if (email === '') throw badRequest('validation_failed', 'An email address is required')
  if (Buffer.byteLength(email) > 255) throw badRequest('validation_failed', 'An email address is too long')
  if (!checkmailFormat.test(email)) throw badRequest('validation_failed', 'Unable to validate email address: invalid format')
  return email.toLowerCase()
}
