// How many of the caller's tickets are still open (open or pending: the firm or the client still
// has to act), from rpc ticket_status_counts over exactly the tickets RLS lets them see.
export function useOpenTicketCount() {
  const { errorKey, call } = useRpc()
  const count = ref<number | null>(null)
  onMounted(async () => {
    const counts = await call<{ open: number, pending: number }>('ticket_status_counts')
    if (counts) count.value = counts.open + counts.pending
  })
  return { count, errorKey }
}
