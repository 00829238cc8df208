import assert from 'node:assert/strict'
import { postJson } from '../_shared/test-requests.ts'
import type { CallRpc } from '../_shared/errors.ts'
import { invitationCall, invite } from './invite.ts'

const clientId = '6f1c3a52-0b7e-4c8e-9a51-3d2f4e5a6b7c'
const matterId = '0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70'
const user = { role: 'authenticated', sub: '11111111-2222-4333-8444-555555555555' }

function recordingRpc(result: { data: unknown, error: { code: string, message: string, details?: string } | null }) {
  const calls: Array<{ name: string, args: Record<string, unknown> }> = []
  const rpc: CallRpc = async (name, args) => {
    calls.push({ name, args })
    return result
  }
  return { rpc, calls }
}

Deno.test('each kind calls its RPC with the invitee language and name', () => {
  assert.deepEqual(invitationCall({ kind: 'client', client_id: clientId, email: 'a@b.example', role: 'owner', locale: 'en', display_name: 'Ann' }), {
    name: 'invite_to_client',
    args: { client_id: clientId, role: 'owner', email: 'a@b.example', invitee_locale: 'en', invitee_name: 'Ann' },
  })
  assert.deepEqual(invitationCall({ kind: 'client', client_id: clientId, email: 'a@b.example' }), {
    name: 'invite_to_client',
    args: { client_id: clientId, role: 'member', email: 'a@b.example', invitee_locale: null, invitee_name: null },
  })
  assert.deepEqual(invitationCall({ kind: 'matter', matter_id: matterId, email: 'g@b.example' }), {
    name: 'invite_to_matter',
    args: { matter_id: matterId, email: 'g@b.example', invitee_locale: null, invitee_name: null },
  })
  assert.deepEqual(invitationCall({ kind: 'staff', email: 's@b.example', role: 'admin' }), {
    name: 'invite_staff',
    args: { is_admin: true, email: 's@b.example', invitee_locale: null, invitee_name: null },
  })
})

Deno.test('malformed requests are refused before any RPC, with a code', () => {
  const codes = [
    invitationCall({ kind: 'client', email: 'a@b.example' }),
    invitationCall({ kind: 'matter', matter_id: 'not-a-uuid', email: 'a@b.example' }),
    invitationCall({ kind: 'matter', matter_id: matterId, email: 'a@b.example', role: 'owner' }),
    invitationCall({ kind: 'staff', email: 'a@b.example', role: 'owner' }),
    invitationCall({ kind: 'group', email: 'a@b.example' }),
    invitationCall({ kind: 'client', client_id: clientId, email: 42 }),
    invitationCall({ kind: 'client', client_id: clientId, email: 'a@b.example', locale: 7 }),
  ].map(call => ('code' in call ? call.code : call.name))
  assert.deepEqual(codes, ['client_id_required', 'matter_id_required', 'invalid_role', 'invalid_role', 'invalid_kind', 'invalid_email', 'invalid_body'])
})

Deno.test('a successful invitation answers 201 with its id', async () => {
  const { rpc, calls } = recordingRpc({ data: 'inv-1', error: null })
  const response = await invite(postJson('http://localhost/invite', user, { kind: 'client', client_id: clientId, email: 'a@b.example' }), rpc)
  assert.equal(response.status, 201)
  assert.deepEqual(await response.json(), { invitation_id: 'inv-1', kind: 'client' })
  assert.equal(calls[0]?.name, 'invite_to_client')
})

Deno.test('the database refusing the caller becomes 403 with its code', async () => {
  const { rpc } = recordingRpc({ data: null, error: { code: 'P0001', message: 'forbidden', details: 'Only admins invite staff.' } })
  const response = await invite(postJson('http://localhost/invite', user, { kind: 'staff', email: 's@b.example' }), rpc)
  assert.equal(response.status, 403)
  assert.deepEqual(await response.json(), { code: 'forbidden', message: 'Only admins invite staff.' })
})

Deno.test('anonymous callers, bad bodies and other methods never reach the database', async () => {
  const { rpc, calls } = recordingRpc({ data: 'x', error: null })
  const body = { kind: 'client', client_id: clientId, email: 'a@b.example' }
  assert.equal((await invite(postJson('http://localhost/invite', { role: 'anon' }, body), rpc)).status, 401)
  assert.equal((await invite(postJson('http://localhost/invite', user, '[1,2]'), rpc)).status, 400)
  assert.equal((await invite(postJson('http://localhost/invite', user, 'not json'), rpc)).status, 400)
  assert.equal((await invite(new Request('http://localhost/invite'), rpc)).status, 405)
  assert.equal((await invite(new Request('http://localhost/invite', { method: 'OPTIONS' }), rpc)).status, 200)
  assert.deepEqual(calls, [])
})
