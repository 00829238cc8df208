// Ends the session on this device after 30 minutes without activity or 12 hours after sign-in
// (runtime config, mirroring [auth.sessions] in supabase/config.toml), with a warning shortly
// before. The server ends idle sessions by itself only once the tab stops refreshing tokens, so an
// open tab needs this timer.
import { sessionDeadline, signedInAtFromToken } from '~/utils/session-limits'
import { paths } from '~/utils/routes'

const warnMs = 2 * 60_000
const activityEvents = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const

export function useSessionTimeout() {
  const sessionStore = useSessionStore()
  const config = useRuntimeConfig().public
  const limits = { idleMs: config.sessionIdleMinutes * 60_000, maxMs: config.sessionMaxHours * 3_600_000, warnMs }
  const now = ref(Date.now())
  const openedAt = Date.now()
  const lastActivity = ref(openedAt)
  const signedInAt = computed(() => {
    const token = sessionStore.session?.access_token
    return (token && signedInAtFromToken(token)) || openedAt
  })
  const deadline = computed(() => sessionDeadline(signedInAt.value, lastActivity.value, limits))
  const warning = computed(() => Boolean(sessionStore.session) && now.value >= deadline.value.warnAt)
  const secondsLeft = computed(() => Math.max(0, Math.ceil((deadline.value.endsAt - now.value) / 1000)))

  const touch = () => (lastActivity.value = Date.now())
  // While the warning shows, only its button keeps the session (a stray key press should not).
  let lastRecorded = 0
  const onActivity = () => {
    if (warning.value || Date.now() - lastRecorded < 10_000) return
    lastRecorded = Date.now()
    touch()
  }

  let timer: ReturnType<typeof setInterval> | undefined
  onMounted(() => {
    for (const event of activityEvents) window.addEventListener(event, onActivity, { passive: true })
    timer = setInterval(async () => {
      now.value = Date.now()
      if (!sessionStore.session || now.value < deadline.value.endsAt) return
      const reason = deadline.value.reason
      await sessionStore.signOut('local')
      await navigateTo({ path: paths.signIn, query: { grund: reason } })
    }, 1000)
  })
  onBeforeUnmount(() => {
    clearInterval(timer)
    for (const event of activityEvents) window.removeEventListener(event, onActivity)
  })

  return { warning, secondsLeft, reason: computed(() => deadline.value.reason), stayActive: touch }
}
