// The e-mail second factor, which Supabase Auth does not have: the portal's database sends a
// one-time code through the mail outbox and records, per session, that it was confirmed
// (private.access_allowed() reads that). Every call of the app goes through these RPCs:
//   request_email_factor_code(purpose 'enrol' | 'step_up') → { resend_after_seconds, sends_left }
//   verify_email_factor_code(code text)                    → { purpose, email_factor_enrolled }
//   remove_email_factor()                                  → void (needs a step-up with the app factor)
// Refusals are raised with the code as message (errors.codes.email_factor_* in the locales).
import { errorMessageKey } from '~/utils/error-messages'

export type EmailCodePurpose = 'enrol' | 'step_up'

interface CodeSent { resend_after_seconds?: number, sends_left?: number }

export function useEmailFactor() {
  const supabase = useSupabase()
  const sending = ref(false)
  const verifying = ref(false)
  const codeSent = ref(false)
  const errorKey = ref<string | null>(null)
  const sendsLeft = ref<number | null>(null)
  const resendAt = ref(0)
  const now = useNow()

  const resendInSeconds = computed(() => Math.max(0, Math.ceil((resendAt.value - now.value) / 1000)))
  const canResend = computed(() => !sending.value && resendInSeconds.value === 0 && sendsLeft.value !== 0)

  async function requestCode(purpose: EmailCodePurpose): Promise<boolean> {
    sending.value = true
    errorKey.value = null
    try {
      const { data, error, status } = await (await supabase()).rpc('request_email_factor_code', { purpose })
      if (error) {
        errorKey.value = errorMessageKey({ ...error, status })
        return false
      }
      const sent = (data ?? {}) as CodeSent
      codeSent.value = true
      sendsLeft.value = sent.sends_left ?? null
      resendAt.value = Date.now() + (sent.resend_after_seconds ?? 60) * 1000
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
      const { error, status } = await (await supabase()).rpc('verify_email_factor_code', { code: code.trim() })
      if (error) errorKey.value = errorMessageKey({ ...error, status })
      return !error
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

  return { sending, verifying, codeSent, errorKey, sendsLeft, resendInSeconds, canResend, requestCode, verifyCode, removeFactor }
}
