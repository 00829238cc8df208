// An open tab whose session the firm ends (account deactivated, sessions ended from Verwaltung →
// Konten, the client access removed) learns it within a second from `session_ended` on the
// person's own topic: it asks the database again, and if this session is gone, it signs out here
// and shows the sign-in with the reason. Started once by the signed-in layout.
import { paths } from '~/utils/routes'

export function useEndedSession() {
  const sessionStore = useSessionStore()
  const topic = computed(() => (sessionStore.user ? `user:${sessionStore.user.id}` : null))
  useRealtimeTopic(topic, {
    onMessage: async ({ event }) => {
      if (event !== 'session_ended' || !sessionStore.session) return
      // The event may name another of the person's sessions: this one answers for itself.
      await sessionStore.loadSecurity()
      if (!sessionStore.session) await navigateTo({ path: paths.signIn, query: { grund: 'revoked' } }, { replace: true })
    },
  })
}
