// A fresh tab holds no session (sessions live in sessionStorage), so a deep link into the portal
// (a mail's link to a ticket, a bookmark) ends on the sign-in anyway. Deciding that before the
// router starts keeps the target page's code and texts from loading only to be left: the guard's
// own rule (guardRedirect for the 'sign-in' gate) applied to the URL, which then reads
// /anmelden?weiter=… as if the guard had sent the tab there. With a stored session the guard
// decides as before, once the security state is known.
import type { RouterConfig } from 'nuxt/schema'
import { createMemoryHistory, createRouter, createWebHistory } from 'vue-router'
import routes from '#build/routes'
import { hasStoredSession } from '~/composables/useSupabase'
import { guardRedirect } from '~/utils/routes'

export default {
  history: (base) => {
    if (!hasStoredSession()) {
      const target = createRouter({ history: createMemoryHistory(base), routes }).resolve(location.href.slice(location.origin.length))
      const redirect = guardRedirect(target, 'sign-in', null)
      if (redirect) history.replaceState(history.state, '', redirect)
    }
    return createWebHistory(base)
  },
} satisfies RouterConfig
