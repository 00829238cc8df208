// Groups of clients for the Verwaltung: list with member and page counts, one group's clients
// and the pages it receives; create, rename, describe, add and remove clients. All plain table
// writes that the policies allow to staff only (the membership changes are audited by trigger).
import { errorMessageKey } from '~/utils/error-messages'

export interface ClientGroup { id: string, name: string, description: string | null, clients: number, pages: number }
export interface GroupDetail { clients: Array<{ id: string, name: string, reference_number: string }>, pages: Array<{ id: string, title: string, published: boolean }> }

interface GroupRow { id: string, name: string, description: string | null, client_group_members: Array<{ count: number }>, page_audiences: Array<{ count: number }> }

export function useClientGroups() {
  const supabase = useSupabase()
  const groups = ref<ClientGroup[]>([])
  const detail = ref<GroupDetail | null>(null)
  const errorKey = ref<string | null>(null)

  // The table's own refusals: a name another group has, a description over 2,000 characters.
  const constraintKeys: Record<string, string> = { 23505: 'errors.codes.group_name_taken', 23514: 'errors.codes.value_too_long' }
  const answered = (error: { code?: string } | null) => {
    errorKey.value = error ? constraintKeys[error.code ?? ''] ?? errorMessageKey(error) : null
    return !error
  }

  async function load() {
    const { data, error } = await (await supabase()).from('client_groups')
      .select('id, name, description, client_group_members(count), page_audiences(count)').order('name')
    if (!answered(error)) return
    groups.value = (data as GroupRow[]).map(row => ({
      id: row.id, name: row.name, description: row.description,
      clients: row.client_group_members[0]?.count ?? 0, pages: row.page_audiences[0]?.count ?? 0,
    }))
  }

  async function loadDetail(groupId: string) {
    const client = await supabase()
    const [members, pages] = await Promise.all([
      client.from('client_group_members').select('clients(id, name, reference_number)').eq('group_id', groupId),
      client.from('page_audiences').select('pages(id, title, published)').eq('group_id', groupId),
    ])
    if (!answered(members.error ?? pages.error)) return
    detail.value = {
      clients: (members.data as unknown as Array<{ clients: GroupDetail['clients'][number] }>).map(row => row.clients)
        .sort((a, b) => a.name.localeCompare(b.name)),
      pages: (pages.data as unknown as Array<{ pages: GroupDetail['pages'][number] }>).map(row => row.pages),
    }
  }

  async function save(group: { id?: string, name: string, description: string }) {
    const table = (await supabase()).from('client_groups')
    const values = { name: group.name.trim(), description: group.description.trim() || null }
    const { error } = group.id ? await table.update(values).eq('id', group.id) : await table.insert(values)
    if (answered(error)) await load()
    return !error
  }

  async function setMember(groupId: string, clientId: string, member: boolean) {
    const table = (await supabase()).from('client_group_members')
    const { error } = member
      ? await table.insert({ group_id: groupId, client_id: clientId })
      : await table.delete().eq('group_id', groupId).eq('client_id', clientId)
    if (!answered(error)) return
    await Promise.all([load(), loadDetail(groupId)])
  }

  return { groups, detail, errorKey, load, loadDetail, save, setMember }
}
