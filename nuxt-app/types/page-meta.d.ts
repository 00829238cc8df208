import type { Persona } from '~/utils/security'

declare module '#app' {
  interface PageMeta {
    /** Reachable without a session (sign-in, password pages, offline page). */
    public?: boolean
    /** Only these personas see the page. */
    personas?: Persona[]
  }
}

export {}
