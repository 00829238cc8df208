// One page (/seiten/<slug>): read through get_page (RLS decides; another client's page is
// page_not_found), marked read once shown, and a client's answers to its appointments.
import { errorMessageKey } from '~/utils/error-messages'
import type { AppointmentAnswer, PageDetail } from '~/utils/pages'

export function usePage(slug: Ref<string>) {
  const supabase = useSupabase()
  const page = ref<PageDetail | null>(null)
  const status = ref<'loading' | 'ready' | 'error'>('loading')
  const errorKey = ref<string | null>(null)

  async function reload() {
    status.value = 'loading'
    const client = await supabase()
    const { data, error } = await client.rpc('get_page', { slug: slug.value })
    if (error) {
      errorKey.value = errorMessageKey(error)
      status.value = 'error'
      return
    }
    page.value = data as PageDetail
    status.value = 'ready'
    // Opening the page reads it (and cancels a mail about it that has not gone out yet).
    if (page.value.published) await client.rpc('mark_page_read', { page_id: page.value.id })
  }

  watch(slug, () => void reload(), { immediate: true })
  return { page, status, errorKey, reload }
}

export function useAppointmentAnswer() {
  const { busy, errorKey, call } = useRpc()
  /** The saved answer, or undefined when refused (errorKey says why). */
  const answer = (appointmentId: string, response: AppointmentAnswer, note: string | null) =>
    call<{ response: AppointmentAnswer, responded_at: string, client_id: string }>('respond_to_appointment', {
      appointment_id: appointmentId, response, note: note?.trim() || null,
    })
  return { busy, errorKey, answer }
}

/** One appointment as an .ics file (calendar-feed function, the caller's token: RLS decides). */
export function useAppointmentDownload() {
  const { busy, errorKey, save } = useFunctionFile()
  const download = (appointment: { id: string, title: string }) =>
    save(`calendar-feed/appointment/${appointment.id}.ics`, `${appointment.title.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 60) || 'termin'}.ics`)
  return { busy, errorKey, download }
}
