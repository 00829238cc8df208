// Sign out (this device, or every device) and land on the sign-in page.
import { paths } from '~/utils/routes'

export function useSignOut() {
  const sessionStore = useSessionStore()
  return async (scope: 'local' | 'global' = 'local') => {
    await sessionStore.signOut(scope)
    await navigateTo(paths.signIn)
  }
}
