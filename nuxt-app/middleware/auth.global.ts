// Every navigation asks the session store which step the user must take next (sign in, confirm the
// second factor, set one up) and sends them there. The database refuses the same things anyway.
import { guardRedirect } from '~/utils/routes'

export default defineNuxtRouteMiddleware(async (to) => {
  const sessionStore = useSessionStore()
  await sessionStore.init()
  const redirect = guardRedirect(to, sessionStore.gate(), sessionStore.persona)
  if (redirect) return navigateTo(redirect, { replace: true })
})
