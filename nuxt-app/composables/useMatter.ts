// One matter for /akten/<reference>: matter_overview (fields, the caller's role and rights,
// members, counts of what the caller may open), removing a member, and the loss of access: when
// this user is removed, `matter_access_ended` on its own topic re-reads the overview at once, which
// the database then refuses (matter_not_found), so the open page shows nothing more of it.
import { errorMessageKey } from '~/utils/error-messages'

export interface MatterMember { user_id: string, role: 'staff' | 'client' | 'guest', display_name: string, added_at: string, removable: boolean }

export interface MatterOverview {
  id: string
  reference: string
  title: string
  status: 'open' | 'closed'
  description: string | null
  client_id: string
  client_name: string
  updated_at: string
  closed_at: string | null
  my_role: 'staff' | 'client' | 'guest'
  can_invite: boolean
  can_edit: boolean
  members: MatterMember[]
  counts: { documents: number, threads: number, tickets: number, appointments: number }
}

export function useMatter(reference: MaybeRefOrGetter<string>) {
  const supabase = useSupabase()
  const sessionStore = useSessionStore()
  const matter = shallowRef<MatterOverview | null>(null)
  const status = ref<'loading' | 'ready' | 'error'>('loading')
  const errorKey = ref<string | null>(null)
  const accessEnded = ref(false)

  async function load() {
    const { data, error, status: httpStatus } = await (await supabase()).rpc('matter_overview', { reference: toValue(reference) })
    if (error) {
      matter.value = null
      errorKey.value = errorMessageKey({ ...error, status: httpStatus })
      status.value = 'error'
      return
    }
    matter.value = data as MatterOverview
    errorKey.value = null
    status.value = 'ready'
  }

  /** Removes a member; answers the error's i18n key, or null. */
  async function removeMember(userId: string): Promise<string | null> {
    if (!matter.value) return null
    const { error, status: httpStatus } = await (await supabase()).rpc('remove_matter_member', { matter_id: matter.value.id, user_id: userId })
    if (error) return errorMessageKey({ ...error, status: httpStatus })
    await load()
    return null
  }

  watch(() => toValue(reference), () => {
    status.value = 'loading'
    void load()
  }, { immediate: true })

  const myId = computed(() => sessionStore.user?.id ?? null)
  useRealtimeTopic(() => (myId.value ? `user:${myId.value}` : null), {
    onMessage: ({ event, payload }) => {
      if (event !== 'matter_access_ended' || payload.matter_id !== matter.value?.id) return
      accessEnded.value = true
      matter.value = null
      void load()
    },
    onJoin: () => status.value === 'ready' && void load(),
  })

  return { matter, status, errorKey, accessEnded, reload: load, removeMember }
}
