// The e-mail second factor, which Supabase Auth does not have: the portal's database sends a
// one-time code through the mail outbox and records, per session, that it was confirmed
// (private.access_allowed() reads that). The RPCs (supabase/README.md):
//   request_email_code()     → { purpose: 'enrol' | 'verify', expires_at }  (5 per 15 minutes)
//   verify_email_code(code)  → { verified: true, enrolled } | { verified: false, reason, attempts_left }
//   remove_email_factor()    → void (needs a confirmed session and another factor)
// Refusals are raised with the code as message (errors.codes.email_* in the locales).
import { errorMessageKey } from '~/utils/error-messages'

/** The app's own pause between two sends; the server's limit is 5 codes per 15 minutes. */
const resendPauseSeconds = 30

interface VerifyAnswer { verified?: boolean, attempts_left?: number }

export function useEmailFactor() {
  const supabase = useSupabase()
  const sending = ref(false)
  const verifying = ref(false)
  const codeSent = ref(false)
  const errorKey = ref<string | null>(null)
  /** Wrong guesses left for the current code (5 in all), once one was wrong. */
  const attemptsLeft = ref<number | null>(null)
  const resendAt = ref(0)
  const now = useNow()

  const resendInSeconds = computed(() => Math.max(0, Math.ceil((resendAt.value - now.value) / 1000)))
  const canResend = computed(() => !sending.value && resendInSeconds.value === 0)

  async function requestCode(): Promise<boolean> {
    sending.value = true
    errorKey.value = null
    try {
      const { error, status } = await (await supabase()).rpc('request_email_code')
      if (error) {
        errorKey.value = errorMessageKey({ ...error, status })
        return false
      }
      codeSent.value = true
      attemptsLeft.value = null
      resendAt.value = Date.now() + resendPauseSeconds * 1000
      return true
    }
    finally {
      sending.value = false
    }
  }

  async function verifyCode(code: string): Promise<boolean> {
    verifying.value = true
    errorKey.value = null
    try {
      const { data, error, status } = await (await supabase()).rpc('verify_email_code', { code: code.trim() })
      if (error) {
        errorKey.value = errorMessageKey({ ...error, status })
        return false
      }
      const answer = (data ?? {}) as VerifyAnswer
      if (answer.verified === true) return true
      // A wrong code is an answer, not an error, so the server keeps counting the attempts.
      attemptsLeft.value = answer.attempts_left ?? 0
      errorKey.value = attemptsLeft.value > 0 ? 'errors.codes.email_code_mismatch' : 'errors.codes.email_code_attempts_exceeded'
      return false
    }
    finally {
      verifying.value = false
    }
  }

  async function removeFactor(): Promise<boolean> {
    errorKey.value = null
    const { error, status } = await (await supabase()).rpc('remove_email_factor')
    if (error) errorKey.value = errorMessageKey({ ...error, status })
    return !error
  }

  return { sending, verifying, codeSent, errorKey, attemptsLeft, resendInSeconds, canResend, requestCode, verifyCode, removeFactor }
}
