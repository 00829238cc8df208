// The caller's coming appointments (rpc upcoming_appointments: RLS decides whose), soonest first,
// optionally one matter's, for /termine and the overview; `load` again after an answer.
import type { Appointment } from '~/utils/pages'

export function useUpcomingAppointments(maxCount: number, matterId: MaybeRefOrGetter<string | null> = null) {
  const { busy, errorKey, call } = useRpc()
  const appointments = ref<Appointment[] | null>(null)
  const load = async () => {
    const matter = toValue(matterId)
    const rows = await call<Appointment[]>('upcoming_appointments', matter ? { max_count: maxCount, matter_id: matter } : { max_count: maxCount })
    if (rows) appointments.value = rows
  }
  onMounted(() => void load())
  return { appointments, busy, errorKey, load }
}
