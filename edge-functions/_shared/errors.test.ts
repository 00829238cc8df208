import assert from 'node:assert/strict'
import { rpcErrorResponse } from './errors.ts'

const answer = async (response: Response) => ({ status: response.status, body: await response.json() })

Deno.test('RPC error codes become statuses: 401, 403, 404, 409, otherwise 400', async () => {
  const cases: Array<[string, number]> = [
    ['not_authenticated', 401], ['session_required', 401], ['mfa_required', 403], ['forbidden', 403], ['client_not_found', 404],
    ['already_member', 409], ['no_second_factor', 409], ['invalid_email', 400],
  ]
  for (const [code, status] of cases) {
    assert.deepEqual(await answer(rpcErrorResponse({ code: 'P0001', message: code, details: null })),
      { status, body: { code, message: code.replace(/_/g, ' ') } })
  }
})

Deno.test('the detail of an RPC error becomes the message', async () => {
  const { body } = await answer(rpcErrorResponse({ code: 'P0001', message: 'forbidden', details: 'Only admins invite staff.' }))
  assert.deepEqual(body, { code: 'forbidden', message: 'Only admins invite staff.' })
})

Deno.test('other database errors are answered 500 without their text', async () => {
  const original = console.error
  console.error = () => {}
  try {
    const { status, body } = await answer(rpcErrorResponse({ code: '42883', message: 'function public.x() does not exist' }))
    assert.equal(status, 500)
    assert.deepEqual(body, { code: 'unexpected_failure', message: 'The request could not be completed.' })
  }
  finally {
    console.error = original
  }
})
