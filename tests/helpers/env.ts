// Where the contract and integration tests find Supabase: the environment when it names a real
// Supabase (SUPABASE_URL, SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY, DB_URL), otherwise the
// devstack instance `make test` started.
import { dbUrl, loadConfig } from '../../devstack/src/config.ts'
import { functionFailure } from '../../devstack/src/functions/status.ts'

const devstack = loadConfig({ DEVSTACK_INSTANCE: 'test', ...process.env })

export const testEnv = {
  supabaseUrl: process.env.SUPABASE_URL || devstack.apiUrl,
  anonKey: process.env.SUPABASE_ANON_KEY || devstack.anonKey,
  serviceRoleKey: process.env.SUPABASE_SERVICE_ROLE_KEY || devstack.serviceRoleKey,
  publishableKey: process.env.SUPABASE_PUBLISHABLE_KEY || devstack.publishableKey,
  secretKey: process.env.SUPABASE_SECRET_KEY || devstack.secretKey,
  jwtSecret: process.env.SUPABASE_JWT_SECRET || devstack.jwtSecret,
  dbUrl: process.env.DB_URL || dbUrl(devstack),
  /** The portal's origin (auth site_url): invitation and recovery links lead there. */
  siteUrl: process.env.SITE_URL || devstack.siteUrl,
  /** The devstack's mail inbox; a real Supabase CLI stack has its own at the same port. */
  inboxUrl: process.env.INBOX_URL || `http://127.0.0.1:${devstack.ports.inbox}`,
  /** True when the tests run against the devstack (some checks read its files directly). */
  isDevstack: !process.env.SUPABASE_URL,
  /**
   * The self-hosted Supabase's Kong checks the apikey on Auth, REST and Realtime (key-auth); the
   * CLI's gateway (`supabase start`) does not. SUPABASE_GATEWAY=cli says the tests meet the latter.
   */
  gatewayChecksApiKey: process.env.SUPABASE_GATEWAY !== 'cli',
  /** A real Supabase with `[auth] enable_signup` on, for the sign-up tests (the portal keeps it off). */
  signupUrl: process.env.SUPABASE_SIGNUP_URL,
}

/**
 * Why the devstack cannot start an edge function (null when it runs, is still starting, or the
 * tests run against a real Supabase), so a test waiting for the function's work fails at once.
 */
export const functionCannotStart = (name: string): string | null =>
  (testEnv.isDevstack ? functionFailure(devstack, name) : null)
