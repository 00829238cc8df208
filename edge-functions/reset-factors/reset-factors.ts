// POST /functions/v1/reset-factors {"user_id": "<uuid>"} — staff reset a user's second factors.
// Postgres decides and does its part first, as the caller: public.reset_user_factors checks that
// the caller is staff (admins for staff) with a verified session, removes the e-mail factor, ends
// the user's sessions and grace period, mails and audits. Then GoTrue's factors (TOTP) go through
// the Auth admin API, which needs the service role. The user is back in enrolment, with no access
// until a new factor is set up.
import { json, preflight } from '../_shared/cors.ts'
import { type CallRpc, errorResponse, rpcErrorResponse } from '../_shared/errors.ts'
import { bearerClaims } from '../_shared/jwt.ts'
import { isUuid, readJsonObject } from '../_shared/request.ts'

/** What public.reset_user_factors answers. */
interface ResetInDatabase {
  user_id: string
  gotrue_factor_ids: string[]
  email_factor_removed: boolean
  sessions_ended: number
}

export interface ResetDeps {
  /** RPCs as the caller. */
  rpc: CallRpc
  /** Every GoTrue factor of the user, through the Auth admin API (service role). */
  listGotrueFactors: (userId: string) => Promise<string[]>
  deleteGotrueFactor: (userId: string, factorId: string) => Promise<void>
}

export async function resetFactors(req: Request, deps: ResetDeps): Promise<Response> {
  const cors = preflight(req)
  if (cors) return cors
  if (req.method !== 'POST') return errorResponse(405, 'method_not_allowed', 'POST {"user_id": "<uuid>"}')
  if (bearerClaims(req)?.role !== 'authenticated') return errorResponse(401, 'not_authenticated', 'Sign in as staff')
  const userId = (await readJsonObject(req))?.user_id
  if (!isUuid(userId)) return errorResponse(400, 'invalid_body', 'The body is {"user_id": "<uuid>"}')

  const { data, error } = await deps.rpc('reset_user_factors', { target_user_id: userId })
  if (error) return rpcErrorResponse(error)
  const reset = data as ResetInDatabase

  // Listed again rather than taken from the database's answer: a factor enrolled in between goes too.
  let removed = 0
  try {
    for (const factorId of await deps.listGotrueFactors(userId)) {
      await deps.deleteGotrueFactor(userId, factorId)
      removed++
    }
  }
  catch (failure) {
    console.error(`reset-factors: GoTrue factors of ${userId} not all removed:`, failure)
    return errorResponse(502, 'factor_reset_incomplete',
      'The e-mail factor and the sessions are gone, but Auth did not remove every app factor. Reset again.')
  }
  return json({
    user_id: userId,
    gotrue_factors_removed: removed,
    email_factor_removed: reset.email_factor_removed,
    sessions_ended: reset.sessions_ended,
  })
}
