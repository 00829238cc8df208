// Connections to the cluster as the login roles the real services use (PostgREST: authenticator,
// GoTrue: supabase_auth_admin, Storage: supabase_storage_admin, Realtime/devstack internals:
// supabase_admin). Authorization is never decided here: requests run as the caller's role.
import postgres, { type Sql } from 'postgres'
import { type DevstackConfig, dbUrl } from '../config.ts'

export type ServiceRole = 'authenticator' | 'supabase_auth_admin' | 'supabase_storage_admin' | 'supabase_admin' | 'postgres'

export function connect(config: DevstackConfig, role: ServiceRole, options: postgres.Options<Record<string, postgres.PostgresType>> = {}): Sql {
  return postgres(dbUrl(config, role), {
    max: 10,
    idle_timeout: 30,
    onnotice: () => {},
    connection: { application_name: `devstack-${role}` },
    ...options,
  })
}
