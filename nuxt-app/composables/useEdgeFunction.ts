// Calls one of the portal's edge functions as the signed-in user. The functions answer refusals as
// `{code, message}` with an HTTP status; the code becomes an i18n key like the RPCs' codes.
import { errorMessageKey } from '~/utils/error-messages'

export interface FunctionResult<T> { data: T | null, errorKey: string | null }

/** The `{code}` of a function's error answer, which supabase-js leaves in the Response. */
async function refusalOf(error: unknown): Promise<{ code?: unknown, status?: unknown }> {
  const response = (error as { context?: unknown }).context
  if (!(response instanceof Response)) return error as object
  const body = await response.json().catch(() => ({})) as { code?: unknown }
  return { code: body.code, status: response.status }
}

export function useEdgeFunction() {
  const supabase = useSupabase()
  return async function invoke<T>(name: string, body: Record<string, unknown>): Promise<FunctionResult<T>> {
    const { data, error } = await (await (await supabase()).functions()).invoke<T>(name, { body })
    if (!error) return { data, errorKey: null }
    return { data: null, errorKey: errorMessageKey(await refusalOf(error)) }
  }
}
