// The firm's staff (id and name), for assigning and filtering; read once per app run. Only staff
// can read the staff list (RLS); for anyone else it is empty.
export interface StaffMember { id: string, name: string }

let members: Promise<StaffMember[]> | undefined

export function useStaffMembers(): () => Promise<StaffMember[]> {
  const supabase = useSupabase()
  return () => (members ??= supabase().then(async (client) => {
    const { data, error } = await client.from('staff').select('user_id, profiles(display_name)')
    if (error) {
      members = undefined
      return []
    }
    return (data as unknown as Array<{ user_id: string, profiles: { display_name: string } | null }>)
      .map(row => ({ id: row.user_id, name: row.profiles?.display_name ?? '' }))
      .sort((a, b) => a.name.localeCompare(b.name))
  }))
}
