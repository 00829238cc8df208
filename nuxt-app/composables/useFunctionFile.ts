// Files that edge functions send (the GDPR ZIP, an appointment's .ics): supabase-js would read them
// as text, so they are fetched directly with the caller's token and saved as a download. A refusal
// comes back as the function's machine-readable code, turned into a text key.
import { errorMessageKey } from '~/utils/error-messages'
import { saveBlobAs } from '~/utils/files'

export function useFunctionFile() {
  const supabase = useSupabase()
  const { supabaseUrl, supabaseAnonKey } = useRuntimeConfig().public
  const busy = ref(false)
  const errorKey = ref<string | null>(null)

  /** Saves what `functions/v1/<path>` answers as `fileName`; false (and errorKey) when refused. */
  async function save(path: string, fileName: string, init: { method?: 'GET' | 'POST', json?: unknown } = {}) {
    busy.value = true
    errorKey.value = null
    const { data } = await (await supabase()).auth.getSession()
    const headers: Record<string, string> = { Authorization: `Bearer ${data.session?.access_token ?? ''}`, apikey: supabaseAnonKey }
    if (init.json !== undefined) headers['Content-Type'] = 'application/json'
    const response = await fetch(`${supabaseUrl}/functions/v1/${path}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    }).catch(() => null)
    try {
      if (!response?.ok) {
        const body = await response?.json().catch(() => ({})) as { code?: string } | undefined
        errorKey.value = errorMessageKey({ code: body?.code, status: response?.status ?? 0 })
        return false
      }
      saveBlobAs(await response.blob(), fileName)
      return true
    }
    finally {
      busy.value = false
    }
  }

  return { busy, errorKey, save }
}
