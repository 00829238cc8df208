// The portal's routes (German paths) and the guard's decision for each security gate.
import type { Persona, SecurityGate } from './security'

export const paths = {
  home: '/',
  signIn: '/anmelden',
  stepUp: '/anmelden/zweiter-faktor',
  forgotPassword: '/passwort-vergessen',
  setPassword: '/passwort-setzen',
  enrol: '/sicherheit/einrichten',
  profile: '/profil',
  offline: '/offline',
} as const

/** Where the guard sends people back to after signing in (`?weiter=`). */
export const returnQueryKey = 'weiter'

export interface RouteTarget {
  path: string
  fullPath: string
  meta: {
    /** Reachable without a session (sign-in, password pages, offline page). */
    public?: boolean
    /** Only these personas see the page (staff-only administration). */
    personas?: Persona[]
  }
}

/** null: let the navigation through; otherwise the path to go to instead. */
export function guardRedirect(target: RouteTarget, gate: SecurityGate, persona: Persona | null): string | null {
  const withReturn = (path: string) =>
    target.fullPath === paths.home ? path : `${path}?${returnQueryKey}=${encodeURIComponent(target.fullPath)}`
  if (target.meta.public) return gate === 'open' && target.path === paths.signIn ? paths.home : null
  switch (gate) {
    case 'sign-in':
      return withReturn(paths.signIn)
    case 'unavailable':
      return withReturn(paths.offline)
    case 'step-up':
      return target.path === paths.stepUp ? null : withReturn(paths.stepUp)
    case 'enrol':
      return target.path === paths.enrol ? null : paths.enrol
    case 'open':
      if (target.path === paths.stepUp) return paths.home
      if (target.meta.personas && !(persona && target.meta.personas.includes(persona))) return paths.home
      return null
  }
}

/** Only same-app paths are followed after sign-in (no open redirect to other origins). */
export function safeReturnPath(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : paths.home
}
