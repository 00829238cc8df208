// One client as staff see it: the record with its staff notes, its users (client_users, with
// role, second-factor state and last sign-in), matters, groups, the pages addressed to it and its
// tickets. Plain reads under RLS; the users through the staff-only RPC.
import { errorMessageKey } from '~/utils/error-messages'

export interface ClientRecord {
  id: string
  kind: 'person' | 'company'
  name: string
  reference_number: string
  email: string | null
  phone: string | null
  address: string | null
  staff_notes: string | null
  archived_at: string | null
}

export interface ClientUser {
  user_id: string
  display_name: string
  email: string | null
  role: 'owner' | 'member'
  factor_state: string
  last_sign_in_at: string | null
  deactivated: boolean
}

interface Titled { id: string, title: string }
export interface ClientRelations {
  matters: Array<Titled & { status: string }>
  groups: Array<{ id: string, name: string }>
  pages: Titled[]
  tickets: Array<{ id: string, number: number, subject: string, status: string }>
}

export function useClientRecord(clientId: string) {
  const supabase = useSupabase()
  const record = ref<ClientRecord | null>(null)
  const users = ref<ClientUser[]>([])
  const relations = ref<ClientRelations>({ matters: [], groups: [], pages: [], tickets: [] })
  const errorKey = ref<string | null>(null)

  async function load() {
    const client = await supabase()
    const [clientRow, note, userRows, matters, groups, pages, tickets] = await Promise.all([
      client.from('clients').select('id, kind, name, reference_number, email, phone, address, archived_at').eq('id', clientId).maybeSingle(),
      client.from('client_staff_notes').select('body').eq('client_id', clientId).maybeSingle(),
      client.rpc('client_users', { client_id: clientId }),
      client.from('matters').select('id, title, status').eq('client_id', clientId).order('title'),
      client.from('client_group_members').select('client_groups(id, name)').eq('client_id', clientId),
      client.from('page_audiences').select('pages(id, title)').eq('client_id', clientId),
      client.from('tickets').select('id, number, subject, status').eq('client_id', clientId).order('number', { ascending: false }).limit(20),
    ])
    const failed = [clientRow, note, userRows, matters, groups, pages, tickets].find(result => result.error)
    errorKey.value = failed ? errorMessageKey(failed.error) : clientRow.data ? null : 'errors.codes.client_not_found'
    if (failed || !clientRow.data) return
    record.value = { ...(clientRow.data as Omit<ClientRecord, 'staff_notes'>), staff_notes: (note.data as { body: string } | null)?.body ?? null }
    users.value = userRows.data as ClientUser[]
    const nested = <T>(rows: unknown, key: string) => (rows as Array<Record<string, T | null>>).map(row => row[key]).filter((row): row is T => Boolean(row))
    relations.value = {
      matters: matters.data as ClientRelations['matters'],
      groups: nested<ClientRelations['groups'][number]>(groups.data, 'client_groups'),
      pages: nested<Titled>(pages.data, 'pages'),
      tickets: tickets.data as ClientRelations['tickets'],
    }
  }

  return { record, users, relations, errorKey, load }
}
