// The authenticator-app factor, through Supabase Auth's MFA API (TOTP, 30 s, 6 digits).
import type { Factor } from '@supabase/auth-js'
import type { PortalClient } from '~/utils/portal-client'
import { errorMessageKey } from '~/utils/error-messages'

export interface TotpEnrolment { factorId: string, qrCode: string, secret: string, uri: string }

export function useTotpFactor() {
  const supabase = useSupabase()
  const { firmName } = useRuntimeConfig().public
  const busy = ref(false)
  const errorKey = ref<string | null>(null)

  async function run<T>(action: (client: PortalClient) => Promise<{ data: T, error: unknown }>): Promise<T | null> {
    busy.value = true
    errorKey.value = null
    try {
      const { data, error } = await action(await supabase())
      if (error) errorKey.value = errorMessageKey(error)
      return error ? null : data
    }
    finally {
      busy.value = false
    }
  }

  async function verifiedFactors(): Promise<Factor[]> {
    const { data } = await (await supabase()).auth.mfa.listFactors()
    return data?.totp ?? []
  }

  /** Starts an enrolment; a half-finished earlier one is discarded first (it would clash by name). */
  async function enrol(): Promise<TotpEnrolment | null> {
    const client = await supabase()
    const { data: factors } = await client.auth.mfa.listFactors()
    for (const factor of factors?.all ?? []) {
      if (factor.factor_type === 'totp' && factor.status === 'unverified') await client.auth.mfa.unenroll({ factorId: factor.id })
    }
    const enrolled = await run(client => client.auth.mfa.enroll({
      factorType: 'totp',
      friendlyName: `Authenticator ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`,
      issuer: `${firmName} Mandantenportal`,
    }))
    return enrolled && { factorId: enrolled.id, qrCode: enrolled.totp.qr_code, secret: enrolled.totp.secret, uri: enrolled.totp.uri }
  }

  /** Confirms an enrolment or a sign-in with a code from the app; the session becomes aal2. */
  async function verify(factorId: string, code: string): Promise<boolean> {
    return Boolean(await run(client => client.auth.mfa.challengeAndVerify({ factorId, code: code.trim() })))
  }

  /** Step-up with the first verified app factor. */
  async function stepUp(code: string): Promise<boolean> {
    const [factor] = await verifiedFactors()
    if (!factor) {
      errorKey.value = 'errors.unexpected'
      return false
    }
    return verify(factor.id, code)
  }

  async function remove(factorId: string): Promise<boolean> {
    return Boolean(await run(client => client.auth.mfa.unenroll({ factorId })))
  }

  return { busy, errorKey, verifiedFactors, enrol, verify, stepUp, remove }
}
