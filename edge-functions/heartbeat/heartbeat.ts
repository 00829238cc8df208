// Records that a scheduled job reached the functions: POST {"job": "<name>"} with the service
// role's key (as pg_cron jobs send it from Vault). Relies on verify_jwt (the default) having
// verified the token before the function runs.
import { json, preflight } from '../_shared/cors.ts'
import { bearerClaims } from '../_shared/jwt.ts'

export interface Heartbeat { id: string, job: string, received_at: string }

export type RecordHeartbeat = (job: string) => Promise<Heartbeat>

export async function heartbeat(req: Request, record: RecordHeartbeat): Promise<Response> {
  const cors = preflight(req)
  if (cors) return cors
  if (req.method !== 'POST') return json({ error: 'method not allowed' }, 405)
  if (bearerClaims(req)?.role !== 'service_role') return json({ error: 'only scheduled jobs (service role) may record heartbeats' }, 403)
  const body = await req.json().catch(() => null) as { job?: unknown } | null
  const job = body?.job
  if (typeof job !== 'string' || job.length === 0 || job.length > 200) {
    return json({ error: 'body must be {"job": "<name of the scheduled job>"}' }, 400)
  }
  return json(await record(job), 201)
}
