// The matters of one client for a form's "Akte" choice (list_matters filtered to that client; staff
// see all of them, RLS decides); read again whenever the chosen client changes.
export interface ClientMatter { id: string, reference: string | null, title: string }

export function useClientMatters(clientId: MaybeRefOrGetter<string>) {
  const { call } = useRpc()
  const matters = ref<ClientMatter[]>([])
  watch(() => toValue(clientId), async (client) => {
    matters.value = []
    if (!client) return
    const rows = await call<ClientMatter[]>('list_matters', { filter_client: client, max_rows: 100 })
    // A later choice may have answered first: keep only the answer for the client still chosen.
    if (rows && toValue(clientId) === client) matters.value = rows
  }, { immediate: true })
  return { matters }
}
