// Vault secrets, read the way Supabase documents it: the decrypted_secrets view over the direct
// database connection (only postgres may read it; the API roles cannot).
import type postgres from 'postgres'

export async function readVaultSecret(sql: postgres.Sql, name: string): Promise<string | null> {
  const rows = await sql<Array<{ decrypted_secret: string }>>`
    select decrypted_secret from vault.decrypted_secrets where name = ${name}`
  return rows[0]?.decrypted_secret ?? null
}
