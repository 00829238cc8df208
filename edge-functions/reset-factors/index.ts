// POST /functions/v1/reset-factors — staff reset a user's second factors (see reset-factors.ts).
import { callerRpc, serviceClient } from '../_shared/clients.ts'
import { resetFactors } from './reset-factors.ts'

Deno.serve(req => resetFactors(req, {
  rpc: callerRpc(req),
  async listGotrueFactors(userId) {
    const { data, error } = await serviceClient().auth.admin.mfa.listFactors({ userId })
    if (error) throw error
    return data.factors.map(factor => factor.id)
  },
  async deleteGotrueFactor(userId, factorId) {
    const { error } = await serviceClient().auth.admin.mfa.deleteFactor({ userId, id: factorId })
    // Gone already (removed by the user or a parallel reset) is what we want.
    if (error && error.code !== 'mfa_factor_not_found') throw error
  },
}))
