// The direct database connection every function gets as SUPABASE_DB_URL (role postgres), for
// work the API cannot do: Vault secrets, internal `ops` tables. One small pool per worker.
import postgres from 'postgres'

let pool: postgres.Sql | undefined

export function database(): postgres.Sql {
  const url = Deno.env.get('SUPABASE_DB_URL')
  if (!url) throw new Error('SUPABASE_DB_URL is not set')
  pool ??= postgres(url, { max: 2, idle_timeout: 20, prepare: false, onnotice: () => {} })
  return pool
}
