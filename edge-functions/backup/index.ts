// POST /functions/v1/backup — runs a queued backup (see backup.ts and run.ts).
import postgres from 'postgres'
import { readVaultSecret } from '../_shared/vault.ts'
import { backup } from './backup.ts'
import { runBackup } from './run.ts'
import { S3Client } from './s3.ts'
import { parseRecipientSecret, parseTarget, timeBudgetMs } from './settings.ts'
import { storageDownloader } from './storage-files.ts'

const env = (name: string) => Deno.env.get(name)
const required = (name: string) => env(name) ?? (() => { throw new Error(`${name} is not set`) })()

let sql: postgres.Sql | undefined

Deno.serve(req => backup(req, (runId) => {
  // Its own pool: the run holds a lock session and a snapshot transaction while it writes state.
  sql ??= postgres(required('SUPABASE_DB_URL'), { max: 4, idle_timeout: 20, prepare: false, onnotice: () => {} })
  const database = sql
  return runBackup(runId, {
    sql: database,
    download: storageDownloader(required('SUPABASE_URL'), required('SUPABASE_SERVICE_ROLE_KEY')),
    target: async () => ({
      s3: new S3Client(parseTarget(await readVaultSecret(database, 'backup_target'))),
      recipients: parseRecipientSecret(await readVaultSecret(database, 'backup_recipients')),
    }),
    budgetMs: timeBudgetMs(env),
  })
}))
