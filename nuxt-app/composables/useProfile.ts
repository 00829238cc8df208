// The signed-in user's own profile row (public.profiles: id, display_name, locale).
import { errorMessageKey } from '~/utils/error-messages'

export interface Profile { display_name: string, locale: 'de' | 'en' }

export function useProfile() {
  const supabase = useSupabase()
  const sessionStore = useSessionStore()
  const profile = ref<Profile | null>(null)
  const errorKey = ref<string | null>(null)
  const busy = ref(false)

  async function load() {
    const userId = sessionStore.user?.id
    if (!userId) return
    const { data, error, status } = await (await supabase()).from('profiles').select('display_name, locale').eq('id', userId).maybeSingle()
    errorKey.value = error ? errorMessageKey({ ...error, status }) : null
    profile.value = data as Profile | null
  }

  async function save(changes: Profile): Promise<boolean> {
    const userId = sessionStore.user?.id
    if (!userId) return false
    busy.value = true
    const { error, status } = await (await supabase()).from('profiles').update(changes).eq('id', userId)
    busy.value = false
    errorKey.value = error ? errorMessageKey({ ...error, status }) : null
    if (error) return false
    profile.value = { ...changes }
    sessionStore.applyProfile(changes)
    return true
  }

  return { profile, errorKey, busy, load, save }
}
