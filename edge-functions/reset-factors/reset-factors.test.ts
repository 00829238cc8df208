import assert from 'node:assert/strict'
import type { CallRpc, RpcError } from '../_shared/errors.ts'
import { postJson } from '../_shared/test-requests.ts'
import { type ResetDeps, resetFactors } from './reset-factors.ts'

const target = '0b7e6f1c-3a52-4c8e-9a51-3d2f4e5a6b7c'
const staff = { role: 'authenticated', sub: '11111111-2222-4333-8444-555555555555' }
const request = (claims: Record<string, unknown>, body: unknown) => postJson('http://localhost/reset-factors', claims, body)

function world(options: { rpcError?: RpcError, factors?: string[], deleteFails?: boolean } = {}) {
  const log: string[] = []
  const rpc: CallRpc = async (name, args) => {
    log.push(`rpc ${name} ${args.target_user_id}`)
    return options.rpcError
      ? { data: null, error: options.rpcError }
      : { data: { user_id: target, gotrue_factor_ids: options.factors ?? [], email_factor_removed: true, sessions_ended: 2 }, error: null }
  }
  const deps: ResetDeps = {
    rpc,
    listGotrueFactors: async (userId) => {
      log.push(`list ${userId}`)
      return options.factors ?? []
    },
    deleteGotrueFactor: async (userId, factorId) => {
      if (options.deleteFails) throw new Error('auth unavailable')
      log.push(`delete ${factorId}`)
    },
  }
  return { deps, log }
}

Deno.test('the database decides first, then every GoTrue factor is deleted', async () => {
  const { deps, log } = world({ factors: ['f1', 'f2'] })
  const response = await resetFactors(request(staff, { user_id: target }), deps)
  assert.equal(response.status, 200)
  assert.deepEqual(await response.json(), { user_id: target, gotrue_factors_removed: 2, email_factor_removed: true, sessions_ended: 2 })
  assert.deepEqual(log, [`rpc reset_user_factors ${target}`, `list ${target}`, 'delete f1', 'delete f2'])
})

Deno.test('a refusal by the database touches no factor', async () => {
  const { deps, log } = world({ rpcError: { code: 'P0001', message: 'forbidden', details: 'Only staff reset second factors.' }, factors: ['f1'] })
  const response = await resetFactors(request(staff, { user_id: target }), deps)
  assert.equal(response.status, 403)
  assert.deepEqual(await response.json(), { code: 'forbidden', message: 'Only staff reset second factors.' })
  assert.deepEqual(log, [`rpc reset_user_factors ${target}`])
})

Deno.test('Auth failing after the database part is reported as incomplete (502)', async () => {
  const { deps } = world({ factors: ['f1'], deleteFails: true })
  const original = console.error
  console.error = () => {}
  try {
    const response = await resetFactors(request(staff, { user_id: target }), deps)
    assert.equal(response.status, 502)
    assert.equal((await response.json()).code, 'factor_reset_incomplete')
  }
  finally {
    console.error = original
  }
})

Deno.test('anonymous callers and malformed bodies never reach the database', async () => {
  const { deps, log } = world()
  assert.equal((await resetFactors(request({ role: 'anon' }, { user_id: target }), deps)).status, 401)
  assert.equal((await resetFactors(request(staff, { user_id: 'someone' }), deps)).status, 400)
  assert.equal((await resetFactors(request(staff, 'nonsense'), deps)).status, 400)
  assert.equal((await resetFactors(new Request('http://localhost/reset-factors'), deps)).status, 405)
  assert.deepEqual(log, [])
})
