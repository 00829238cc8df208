// One RPC at a time with its busy state and the error as an i18n key: what every Verwaltung
// action needs (the database decides; the screen only says what it answered).
import { errorMessageKey } from '~/utils/error-messages'

export function useRpc() {
  const supabase = useSupabase()
  const busy = ref(false)
  const errorKey = ref<string | null>(null)

  /** The RPC's data, or undefined when it was refused (errorKey then says why). */
  async function call<T>(name: string, args: Record<string, unknown> = {}): Promise<T | undefined> {
    busy.value = true
    errorKey.value = null
    const { data, error } = await (await supabase()).rpc(name, args)
    busy.value = false
    if (error) {
      errorKey.value = errorMessageKey(error)
      return undefined
    }
    return data as T
  }

  return { busy, errorKey, call }
}
