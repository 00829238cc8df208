// POST /functions/v1/backup — runs a queued backup (see backup.ts and run.ts).
import postgres from 'postgres'
import { readVaultSecret } from '../_shared/vault.ts'
import { backup } from './backup.ts'
import { runBackup } from './run.ts'
import { S3Client } from './s3.ts'
import { parseRecipientSecret, parseTarget, timeBudgetMs } from './settings.ts'
import { storageDownloader } from './storage-files.ts'

const env = (name: string) => Deno.env.get(name)
function required(name: string): string {
  const value = env(name)
  if (!value) throw new Error(`${name} is not set`)
  return value
}

let sql: postgres.Sql | undefined
const options = { prepare: false, fetch_types: false, onnotice: () => {} } as const

Deno.serve(req => backup(req, (runId) => {
  // Its own pool: the run holds a lock session and a snapshot transaction while it writes state.
  // fetch_types off: postgres.js 3.4 fetching array types on a connection opened while another
  // one is inside a transaction left a statement of that transaction waiting forever (and with it
  // off, sql.reserve() never resolves: the lock gets a one-connection pool of its own instead).
  sql ??= postgres(required('SUPABASE_DB_URL'), { ...options, max: 4, idle_timeout: 20 })
  const database = sql
  return runBackup(runId, {
    sql: database,
    lockSession: () => postgres(required('SUPABASE_DB_URL'), { ...options, max: 1, idle_timeout: 0 }),
    download: storageDownloader(required('SUPABASE_URL'), required('SUPABASE_SERVICE_ROLE_KEY')),
    target: async () => ({
      s3: new S3Client(parseTarget(await readVaultSecret(database, 'backup_target'))),
      recipients: parseRecipientSecret(await readVaultSecret(database, 'backup_recipients')),
    }),
    budgetMs: timeBudgetMs(env),
  })
}))
