// Against a running database (`make test` passes SUPABASE_DB_URL): a function reads a Vault
// secret over the direct connection exactly as on Supabase.
import assert from 'node:assert/strict'
import postgres from 'postgres'
import { readVaultSecret } from './vault.ts'

const url = Deno.env.get('SUPABASE_DB_URL')

Deno.test({
  name: 'readVaultSecret returns the decrypted secret by name, null for an unknown name',
  ignore: !url,
  async fn() {
    const sql = postgres(url!, { max: 1, onnotice: () => {} })
    const name = `vault-test-${crypto.randomUUID()}`
    try {
      await sql`select vault.create_secret('s3cr3t-value', ${name}, 'Deno test')`
      assert.equal(await readVaultSecret(sql, name), 's3cr3t-value')
      assert.equal(await readVaultSecret(sql, `${name}-missing`), null)
    }
    finally {
      await sql`delete from vault.secrets where name = ${name}`
      await sql.end()
    }
  },
})
