// POST /functions/v1/invite {kind, email, client_id? | matter_id?, role?, display_name?, locale?}
// Invites someone as the caller: the matching RPC runs with the caller's token, so Postgres decides
// who may invite whom (staff: client users and, as admins, staff; client users: guests into their
// matters). The RPC queues the invitation mail; the outbox trigger starts the `mail` function at
// commit, which creates the account for a new address (see edge-functions/README.md).
import { json, preflight } from '../_shared/cors.ts'
import { type CallRpc, errorResponse, rpcErrorResponse } from '../_shared/errors.ts'
import { bearerClaims } from '../_shared/jwt.ts'
import { isUuid, type JsonObject, readJsonObject } from '../_shared/request.ts'

interface RpcCall { name: string, args: JsonObject }
interface Refusal { code: string, message: string }

const optionalString = (value: unknown) => value === undefined || value === null || typeof value === 'string'

/** Which RPC an invitation request calls, or why the request is malformed. Meaning is the RPC's to check. */
export function invitationCall(body: JsonObject): RpcCall | Refusal {
  const { kind, email, role } = body
  if (typeof email !== 'string') return { code: 'invalid_email', message: 'email must be a string' }
  if (!optionalString(body.locale) || !optionalString(body.display_name) || !optionalString(role)) {
    return { code: 'invalid_body', message: 'locale, display_name and role are strings when given' }
  }
  const invitee = { email, invitee_locale: body.locale ?? null, invitee_name: body.display_name ?? null }
  if (kind === 'client') {
    if (!isUuid(body.client_id)) return { code: 'client_id_required', message: 'kind client needs client_id (uuid)' }
    return { name: 'invite_to_client', args: { client_id: body.client_id, role: role ?? 'member', ...invitee } }
  }
  if (kind === 'matter') {
    if (!isUuid(body.matter_id)) return { code: 'matter_id_required', message: 'kind matter needs matter_id (uuid)' }
    if (role != null && role !== 'guest') return { code: 'invalid_role', message: 'matter invitations are for guests' }
    return { name: 'invite_to_matter', args: { matter_id: body.matter_id, ...invitee } }
  }
  if (kind === 'staff') {
    if (role != null && role !== 'staff' && role !== 'admin') return { code: 'invalid_role', message: 'staff role is staff or admin' }
    return { name: 'invite_staff', args: { is_admin: role === 'admin', ...invitee } }
  }
  return { code: 'invalid_kind', message: 'kind is client, matter or staff' }
}

export async function invite(req: Request, callRpc: CallRpc): Promise<Response> {
  const cors = preflight(req)
  if (cors) return cors
  if (req.method !== 'POST') return errorResponse(405, 'method_not_allowed', 'POST an invitation')
  // verify_jwt has checked the token; whether this user may invite is Postgres' decision.
  if (bearerClaims(req)?.role !== 'authenticated') return errorResponse(401, 'not_authenticated', 'Sign in to invite')
  const body = await readJsonObject(req)
  if (!body) return errorResponse(400, 'invalid_body', 'The body must be a JSON object')
  const call = invitationCall(body)
  if (!('name' in call)) return errorResponse(400, call.code, call.message)
  const { data, error } = await callRpc(call.name, call.args)
  if (error) return rpcErrorResponse(error)
  return json({ invitation_id: data, kind: body.kind }, 201)
}
