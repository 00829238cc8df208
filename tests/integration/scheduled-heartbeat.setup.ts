// Global setup of the integration project: schedules the pg_cron job of
// scheduled-functions.test.ts at the start of the run. pg_cron fires on the minute, so the
// up-to-a-minute wait passes while the other test files run, not on its own.
import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import type { TestProject } from 'vitest/node'
import { testEnv } from '../helpers/env.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    heartbeatJob: string
  }
}

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const sql = postgres(testEnv.dbUrl, { max: 1, onnotice: () => {} })
  const job = `heartbeat-proof-${randomUUID().slice(0, 8)}`
  // As Supabase's "Scheduling Edge Functions" shows: URL and key from Vault, net.http_post.
  await sql`
    select cron.schedule(${job}, '* * * * *', format($command$
      select net.http_post(
        url := (select decrypted_secret from vault.decrypted_secrets where name = 'project_url') || '/functions/v1/heartbeat',
        headers := jsonb_build_object(
          'Content-Type', 'application/json',
          'Authorization', 'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'service_role_key')),
        body := jsonb_build_object('job', %L))
    $command$, ${job}::text))`
  project.provide('heartbeatJob', job)
  return async () => {
    await sql`select cron.unschedule(${job})`
    await sql.end()
  }
}
