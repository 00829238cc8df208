// The person's secret calendar subscription: whether one is active, a new address (shown once,
// any earlier one stops working) and opting out (revoke_calendar_feed).
export interface CalendarFeedState { active: boolean, created_at: string | null, last_used_at: string | null }

export function useCalendarFeed() {
  const { busy, errorKey, call } = useRpc()
  const state = ref<CalendarFeedState | null>(null)
  const address = ref<string | null>(null)
  const { supabaseUrl } = useRuntimeConfig().public

  const load = async () => (state.value = (await call<CalendarFeedState>('my_calendar_feed')) ?? null)
  async function create() {
    const created = await call<{ path: string }>('create_calendar_feed')
    if (!created) return
    address.value = `${supabaseUrl}${created.path}`
    await load()
  }
  async function revoke() {
    if ((await call<boolean>('revoke_calendar_feed')) === undefined) return
    address.value = null
    await load()
  }
  onMounted(() => void load())
  return { state, address, busy, errorKey, create, revoke }
}
