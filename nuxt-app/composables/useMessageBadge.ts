// The navigation's message badge: how many messages the person has not read (rpc
// my_unread_message_count), recounted when a message notifies them on their own topic and on
// every (re)join. Reading a thread elsewhere is caught on the next notification or rejoin.
// Started once by the signed-in layout; a thread page recounts after marking itself read.
export function useMessageCount() {
  const supabase = useSupabase()
  const badges = useBadgesStore()
  return async function count() {
    const { data, error } = await (await supabase()).rpc('my_unread_message_count')
    if (!error && typeof data === 'number') badges.set('messages', data)
  }
}

export function useMessageBadge() {
  const sessionStore = useSessionStore()
  const count = useMessageCount()
  let pending: ReturnType<typeof setTimeout> | undefined

  const countSoon = () => {
    clearTimeout(pending)
    pending = setTimeout(count, 300)
  }

  const open = computed(() => sessionStore.gate() === 'open' && sessionStore.user ? `user:${sessionStore.user.id}` : null)
  useRealtimeTopic(open, {
    onMessage: ({ event, payload }) => {
      if (event === 'notification_created' && (payload as { record?: { entity_type?: string } }).record?.entity_type === 'conversation') countSoon()
    },
    onJoin: countSoon,
  })
  onScopeDispose(() => clearTimeout(pending))
}
