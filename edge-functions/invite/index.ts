// POST /functions/v1/invite — invite a client user, a guest or an employee (see invite.ts).
import { callerRpc } from '../_shared/clients.ts'
import { invite } from './invite.ts'

Deno.serve(req => invite(req, callerRpc(req)))
