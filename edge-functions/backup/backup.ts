// POST /functions/v1/backup {"run_id": "<uuid>"} — runs a queued backup run (run.ts). Only the
// database calls it, with the service-role key: private.request_backup (pg_cron every 2 hours,
// an admin's "Jetzt sichern" through public.request_backup, a continuation). It answers 202 at
// once and works on in the background (EdgeRuntime.waitUntil where the runtime has it), so pg_net
// never waits for a run; the outcome is in ops.backup_runs.
import { json, preflight } from '../_shared/cors.ts'
import { errorResponse } from '../_shared/errors.ts'
import { bearerClaims } from '../_shared/jwt.ts'
import { isUuid, readJsonObject } from '../_shared/request.ts'
import type { RunOutcome } from './run.ts'

export type StartRun = (runId: string) => Promise<RunOutcome>

/** Keeps background work alive after the response on Supabase's edge runtime; a no-op elsewhere. */
export function keepAlive(work: Promise<unknown>): void {
  const runtime = (globalThis as { EdgeRuntime?: { waitUntil?: (promise: Promise<unknown>) => void } }).EdgeRuntime
  runtime?.waitUntil?.(work)
}

export async function backup(req: Request, start: StartRun): Promise<Response> {
  const cors = preflight(req)
  if (cors) return cors
  if (req.method !== 'POST') return errorResponse(405, 'method_not_allowed', 'POST {"run_id": …} to run a queued backup')
  // verify_jwt has verified the token; only the database (service role) starts runs.
  if (bearerClaims(req)?.role !== 'service_role') return errorResponse(403, 'forbidden', 'Backups are started through public.request_backup')
  const body = await readJsonObject(req)
  if (!body || !isUuid(body.run_id)) return errorResponse(400, 'invalid_body', 'The body is {"run_id": "<uuid of a queued run>"}')
  const work = start(body.run_id).catch((error) => {
    console.error('backup: the run could not be started:', error)
  })
  keepAlive(work)
  return json({ run_id: body.run_id, accepted: true }, 202)
}
