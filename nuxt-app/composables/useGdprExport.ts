// The admin's GDPR export of one person: the `gdpr-export` function streams a ZIP, which
// supabase-js would read as text, so it is fetched directly with the caller's token and handed
// to the browser as a download.
import { errorMessageKey } from '~/utils/error-messages'

export function useGdprExport() {
  const supabase = useSupabase()
  const { supabaseUrl, supabaseAnonKey } = useRuntimeConfig().public
  const busy = ref(false)
  const errorKey = ref<string | null>(null)

  async function download(userId: string) {
    busy.value = true
    errorKey.value = null
    const { data } = await (await supabase()).auth.getSession()
    const response = await fetch(`${supabaseUrl}/functions/v1/gdpr-export`, {
      method: 'POST',
      headers: { 'Authorization': `Bearer ${data.session?.access_token ?? ''}`, 'apikey': supabaseAnonKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ user_id: userId }),
    }).catch(() => null)
    busy.value = false
    if (!response?.ok) {
      const body = await response?.json().catch(() => ({})) as { code?: string } | undefined
      errorKey.value = errorMessageKey({ code: body?.code, status: response?.status ?? 0 })
      return
    }
    const link = document.createElement('a')
    link.href = URL.createObjectURL(await response.blob())
    link.download = `dsgvo-export-${userId}.zip`
    link.click()
    URL.revokeObjectURL(link.href)
  }

  return { busy, errorKey, download }
}
