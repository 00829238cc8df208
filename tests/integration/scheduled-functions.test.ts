// The scheduled path end to end: a pg_cron job (scheduled by scheduled-heartbeat.setup.ts) calls
// net.http_post with the project URL and service-role key from Vault; the request reaches the
// `heartbeat` edge function (verify_jwt on), which writes a row through SUPABASE_DB_URL; the
// function's answer is recorded in net._http_response.
import { afterAll, expect, inject, it } from 'vitest'
import { closeDb, db } from '../helpers/personas.ts'
import { waitFor } from '../helpers/wait.ts'

afterAll(closeDb)

it('a pg_cron job reaches an edge function through net.http_post and Vault', async () => {
  const job = inject('heartbeatJob')
  const sql = db()
  const heartbeat = await waitFor(async () => {
    const [row] = await sql<Array<{ job: string }>>`select job from ops.scheduler_heartbeats where job = ${job} limit 1`
    return row
  }, 90_000, 1_000)
  expect(heartbeat?.job).toBe(job)
  const [recorded] = await sql<Array<{ status_code: number, content_type: string }>>`
    select status_code, content_type from net._http_response where content like ${`%"job":"${job}"%`} limit 1`
  expect(recorded).toMatchObject({ status_code: 201, content_type: 'application/json' })
}, 100_000)
