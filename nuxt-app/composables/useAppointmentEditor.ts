// Appointments in a form, one at a time (new or existing): a page's in its editor (pageId), or,
// without a page, for a client chosen in the form (/termine). Saved through save_appointment under
// the id the app chose (a retry lands once) and removed through delete_appointment; times typed on
// the clock of the zone the appointment takes place in.
import { appointmentArguments, appointmentDraftOf, type AppointmentDraft } from '~/utils/page-editor'
import type { Appointment } from '~/utils/pages'

export function useAppointmentEditor(pageId: MaybeRefOrGetter<string | null>, changed: () => void) {
  const { busy, errorKey, call } = useRpc()
  const draft = ref<AppointmentDraft | null>(null)
  const done = ref<'saved' | 'removed' | null>(null)

  function edit(appointment: Appointment | null) {
    draft.value = appointmentDraftOf(appointment)
    errorKey.value = null
    done.value = null
  }

  async function save() {
    if (!draft.value) return
    const built = appointmentArguments(draft.value, toValue(pageId))
    if ('errorKey' in built) {
      errorKey.value = built.errorKey
      return
    }
    if (await call('save_appointment', built.args) === undefined) return
    draft.value = null
    done.value = 'saved'
    changed()
  }

  async function remove(appointment: Appointment) {
    done.value = null
    // delete_appointment returns nothing: null is success, undefined a refusal.
    if (await call('delete_appointment', { appointment_id: appointment.id }) === undefined) return
    if (draft.value?.id === appointment.id) draft.value = null
    done.value = 'removed'
    changed()
  }

  return { draft, busy, errorKey, done, edit, save, remove, cancel: () => (draft.value = null) }
}
