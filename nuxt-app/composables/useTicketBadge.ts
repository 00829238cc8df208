// The navigation's ticket badge: how many tickets have news the person has not seen
// (rpc my_unread_ticket_count), kept current by `ticket_activity` on the person's own topic,
// including "seen" from their other tabs. Started once by the signed-in layout.
export function useTicketBadge() {
  const supabase = useSupabase()
  const sessionStore = useSessionStore()
  const badges = useBadgesStore()
  let pending: ReturnType<typeof setTimeout> | undefined

  async function count() {
    const { data, error } = await (await supabase()).rpc('my_unread_ticket_count')
    if (!error && typeof data === 'number') badges.set('tickets', data)
  }
  // Bursts (a status change and a reply in one go) cost one request.
  const countSoon = () => {
    clearTimeout(pending)
    pending = setTimeout(count, 300)
  }

  const open = computed(() => sessionStore.gate() === 'open' && sessionStore.user ? `user:${sessionStore.user.id}` : null)
  useRealtimeTopic(open, {
    onMessage: message => message.event === 'ticket_activity' && countSoon(),
    onJoin: countSoon,
  })
  onScopeDispose(() => clearTimeout(pending))
}
