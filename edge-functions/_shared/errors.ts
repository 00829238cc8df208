// Error answers of the portal's functions: JSON `{code, message}` with a fitting HTTP status. The
// code is stable (the UI translates it); the message is English, for logs and developers.
import { json } from './cors.ts'

export function errorResponse(status: number, code: string, message: string): Response {
  return json({ code, message }, status)
}

/** What supabase-js reports for a failed RPC (PostgrestError). */
export interface RpcError {
  code?: string
  message: string
  details?: string | null
}

/** Calls a database function (supabase-js `rpc`), in production as the function's caller. */
export type CallRpc = (name: string, args: Record<string, unknown>) => Promise<{ data: unknown, error: RpcError | null }>

const statusByCode: Record<string, number> = {
  not_authenticated: 401,
  // the token's session has ended: sign in again
  session_required: 401,
  mfa_required: 403,
  forbidden: 403,
  already_member: 409,
  matter_closed: 409,
  // a factor reset of someone without a second factor
  no_second_factor: 409,
}

/**
 * Our RPCs raise P0001 with the error code as message (supabase/README.md "Error codes"); those
 * are the caller's mistakes and pass through. Anything else is ours: logged, answered 500.
 */
export function rpcErrorResponse(error: RpcError): Response {
  if (error.code === 'P0001' && /^[a-z_]+$/.test(error.message)) {
    const status = statusByCode[error.message] ?? (error.message.endsWith('_not_found') ? 404 : 400)
    return errorResponse(status, error.message, error.details || error.message.replace(/_/g, ' '))
  }
  console.error('RPC failed unexpectedly:', error)
  return errorResponse(500, 'unexpected_failure', 'The request could not be completed.')
}
