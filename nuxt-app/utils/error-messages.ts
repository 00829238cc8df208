// Turns Auth (GoTrue) and database (PostgREST/RPC) errors into i18n keys. Messages never say
// whether an account exists: every credential problem reads the same.

/** Error codes with their own message (i18n `errors.codes.<code>`). */
export const knownCodes = new Set([
  'invalid_credentials', 'user_banned', 'over_request_rate_limit', 'over_email_send_rate_limit',
  'weak_password', 'same_password', 'otp_expired', 'session_expired', 'session_not_found',
  'mfa_verification_failed', 'mfa_challenge_expired', 'mfa_verification_rejected', 'insufficient_aal',
  'mfa_factor_name_conflict', 'too_many_enrolled_mfa_factors',
  // Raised by the portal's RPCs (message = code), see useEmailFactor.ts.
  'email_factor_rate_limited', 'email_factor_code_invalid', 'email_factor_code_expired',
  'email_factor_attempts_exceeded', 'email_factor_last_factor',
])

/** Codes that only tell the user something exists: shown as a wrong-credentials message. */
const credentialCodes = new Set(['email_not_confirmed', 'user_not_found', 'email_address_invalid'])

interface ErrorLike { code?: unknown, status?: unknown, name?: unknown, message?: unknown }

export function errorMessageKey(error: unknown): string {
  const { code, status, name, message } = (error && typeof error === 'object' ? error : {}) as ErrorLike
  for (const candidate of [code, message]) {
    if (typeof candidate !== 'string') continue
    if (knownCodes.has(candidate)) return `errors.codes.${candidate}`
    if (credentialCodes.has(candidate)) return 'errors.codes.invalid_credentials'
  }
  if (status === 429) return 'errors.codes.over_request_rate_limit'
  // No answer, a gateway without the service (404) or a server error: the service is unreachable.
  const unreachable = name === 'AuthRetryableFetchError' || name === 'TypeError' || status === 0
    || status === 404 || (typeof status === 'number' && status >= 500)
  return unreachable ? 'errors.unavailable' : 'errors.unexpected'
}
