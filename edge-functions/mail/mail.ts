// POST /functions/v1/mail [{"mail_ids": [...]}] — sends the mail outbox. Called by the database
// with the service-role key: by the outbox trigger with the new mails' ids, and every minute by
// pg_cron without ids (everything due). Answers how many mails went out and how many failed.
import { json, preflight } from '../_shared/cors.ts'
import { errorResponse } from '../_shared/errors.ts'
import { bearerClaims } from '../_shared/jwt.ts'
import { isUuid, readJsonObject } from '../_shared/request.ts'
import { type DeliveryDeps, deliverOutbox } from './deliver.ts'

export async function mail(req: Request, deps: () => DeliveryDeps): Promise<Response> {
  const cors = preflight(req)
  if (cors) return cors
  if (req.method !== 'POST') return errorResponse(405, 'method_not_allowed', 'POST to start a delivery run')
  // verify_jwt has verified the token; only the database's service-role calls start runs.
  if (bearerClaims(req)?.role !== 'service_role') return errorResponse(403, 'forbidden', 'Only the service role sends the outbox')
  const body = await readJsonObject(req)
  const ids = body?.mail_ids
  if (!body || (ids !== undefined && ids !== null && !(Array.isArray(ids) && ids.length <= 100 && ids.every(isUuid)))) {
    return errorResponse(400, 'invalid_body', 'The body is {} or {"mail_ids": [up to 100 uuids]}')
  }
  return json(await deliverOutbox(deps(), Array.isArray(ids) ? ids : null))
}
