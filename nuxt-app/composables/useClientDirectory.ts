// Staff's view of who has access: clients, their users and the firm's staff, for invitations and
// factor resets. Row level security lets only staff read all of it; plain reads joined here, and
// the database names the people whose factors the caller may reset (rpc can_reset_factors).
import { errorMessageKey } from '~/utils/error-messages'

export interface DirectoryClient { id: string, name: string, reference_number: string }
export interface DirectoryPerson { id: string, displayName: string, clients: string[], staff: boolean, canResetFactors: boolean }

interface MemberRow { client_id: string, user_id: string }
interface ProfileRow { id: string, display_name: string }
interface StaffRow { user_id: string }

export function useClientDirectory() {
  const supabase = useSupabase()
  const clients = ref<DirectoryClient[]>([])
  const people = ref<DirectoryPerson[]>([])
  const errorKey = ref<string | null>(null)

  async function load() {
    const client = await supabase()
    const [clientRows, memberRows, profileRows, staffRows, resettableRows] = await Promise.all([
      client.from('clients').select('id, name, reference_number').is('archived_at', null).order('name'),
      client.from('client_members').select('client_id, user_id'),
      client.from('profiles').select('id, display_name').order('display_name'),
      client.from('staff').select('user_id'),
      client.rpc('can_reset_factors'),
    ])
    const failed = [clientRows, memberRows, profileRows, staffRows, resettableRows].find(result => result.error)
    errorKey.value = failed ? errorMessageKey({ ...failed.error, status: failed.status }) : null
    if (failed) return
    clients.value = clientRows.data as DirectoryClient[]
    const clientName = new Map(clients.value.map(entry => [entry.id, entry.name]))
    const staffIds = new Set((staffRows.data as StaffRow[]).map(row => row.user_id))
    const resettableIds = new Set(resettableRows.data as string[])
    const clientsOfUser = new Map<string, string[]>()
    for (const row of memberRows.data as MemberRow[]) {
      const name = clientName.get(row.client_id)
      if (name) clientsOfUser.set(row.user_id, [...(clientsOfUser.get(row.user_id) ?? []), name])
    }
    people.value = (profileRows.data as ProfileRow[]).map(profile => ({
      id: profile.id,
      displayName: profile.display_name,
      clients: clientsOfUser.get(profile.id) ?? [],
      staff: staffIds.has(profile.id),
      canResetFactors: resettableIds.has(profile.id),
    }))
  }

  return { clients, people, errorKey, load }
}
