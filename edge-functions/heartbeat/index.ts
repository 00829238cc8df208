// POST /functions/v1/heartbeat — a scheduled job reports in (see heartbeat.ts).
import { database } from '../_shared/database.ts'
import { type Heartbeat, heartbeat } from './heartbeat.ts'

Deno.serve(req => heartbeat(req, async (job) => {
  const sql = database()
  const [row] = await sql<Heartbeat[]>`
    insert into ops.scheduler_heartbeats (job) values (${job}) returning id::text, job, received_at::text`
  return row!
}))
