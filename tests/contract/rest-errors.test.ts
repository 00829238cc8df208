// PostgREST's error contract: the JSON body, SQLSTATE → HTTP status, raised errors with custom
// statuses, PostgREST's own PGRST codes, and the JWT errors with WWW-Authenticate.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rest, restFixture } from '../helpers/fixtures.ts'
import { anonClient, closeDb, createPersona, db, signAccessToken } from '../helpers/personas.ts'

beforeAll(restFixture)
afterAll(async () => {
  await db()`delete from public.contract_items where sku like 'err-%'`
  await closeDb()
})

const api = anonClient()
const json = { 'Content-Type': 'application/json' }

describe('database errors', () => {
  it('has the body {code, details, hint, message} and 400 for a plain raise (P0001)', async () => {
    const response = await rest('/rpc/contract_fail', { method: 'POST', headers: json, body: '{"kind":"plain"}' })
    expect(response.status).toBe(400)
    expect(response.json).toEqual({ code: 'P0001', details: null, hint: null, message: 'Kaputt: plain' })
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  })

  it('uses the status of SQLSTATE PTxyz', async () => {
    const response = await rest('/rpc/contract_fail', { method: 'POST', headers: json, body: '{"kind":"payment"}' })
    expect(response.status).toBe(402)
    expect(response.json).toEqual({ code: 'PT402', details: 'Pay first', hint: 'Use a card', message: 'Payment required' })
  })

  it('gives a function full control with RAISE SQLSTATE \'PGRST\'', async () => {
    const response = await rest('/rpc/contract_fail', { method: 'POST', headers: json, body: '{"kind":"custom"}' })
    expect(response.status).toBe(418)
    expect(response.headers.get('x-contract')).toBe('teapot')
    expect(response.json).toEqual({ code: 'CONTRACT1', details: 'Shown to the client', hint: 'Try again', message: 'Custom failure' })
  })

  it('answers 409 for unique and foreign key violations', async () => {
    const sku = `err-${randomUUID()}`
    await api.from('contract_items').insert({ sku })
    const duplicate = await api.from('contract_items').insert({ sku })
    expect(duplicate.status).toBe(409)
    expect(duplicate.error).toMatchObject({ code: '23505', details: `Key (sku)=(${sku}) already exists.` })
    const orphan = await api.from('contract_items').insert({ sku: `err-${randomUUID()}`, client_id: 999 })
    expect(orphan.status).toBe(409)
    expect(orphan.error).toMatchObject({ code: '23503' })
  })

  it('answers 400 for not-null and type errors', async () => {
    const missing = await api.from('contract_items').insert({ label: 'ohne sku' })
    expect(missing.status).toBe(400)
    expect(missing.error).toMatchObject({ code: '23502' })
    const badValue = await api.from('contract_items').select('id').eq('created_at', 'gestern')
    expect(badValue.status).toBe(400)
    expect(badValue.error).toMatchObject({ code: '22007' })
  })

  it('answers 401 with WWW-Authenticate for insufficient privilege as anon, 403 when signed in', async () => {
    const anon = await rest('/contract_notes', { method: 'POST', headers: json, body: '{"body":"x"}' })
    expect(anon.status).toBe(401)
    expect(anon.headers.get('www-authenticate')).toBe('Bearer')
    expect(anon.json).toMatchObject({ code: '42501' })
    const user = await createPersona('rest-errors')
    const signedIn = await rest('/contract_notes', { method: 'POST', headers: json, body: JSON.stringify({ body: 'x', owner_id: randomUUID() }), token: user.accessToken })
    expect(signedIn.status).toBe(403)
    expect(signedIn.headers.get('www-authenticate')).toBeNull()
  })
})

describe('PostgREST errors', () => {
  it('answers 404 PGRST205 for an unknown table, with a suggestion', async () => {
    const { status, error } = await api.from('contract_client').select()
    expect(status).toBe(404)
    expect(error).toEqual({ code: 'PGRST205', details: null, hint: 'Perhaps you meant the table \'public.contract_clients\'', message: 'Could not find the table \'public.contract_client\' in the schema cache' })
  })

  it('answers 406 PGRST106 for a schema that is not exposed', async () => {
    const { status, error } = await api.schema('private').from('anything').select()
    expect(status).toBe(406)
    expect(error).toMatchObject({ code: 'PGRST106', message: 'Invalid schema: private' })
    expect(error?.hint).toMatch(/^Only the following schemas are exposed: public/)
  })

  it('answers 400 PGRST100 for a malformed select', async () => {
    const response = await rest('/contract_clients?select=id,name!x')
    expect(response.status).toBe(400)
    expect(response.json).toMatchObject({ code: 'PGRST100', message: '"failed to parse select parameter (id,name!x)" (line 1, column 8)' })
  })

  it('answers 400 PGRST102 for a body that is not JSON', async () => {
    const response = await rest('/contract_items', { method: 'POST', headers: json, body: '{"sku":' })
    expect(response.status).toBe(400)
    expect(response.json).toMatchObject({ code: 'PGRST102' })
  })

  it('answers 405 PGRST101 for other methods on a function', async () => {
    const response = await rest('/rpc/contract_add', { method: 'PATCH', headers: json, body: '{}' })
    expect(response.status).toBe(405)
    expect(response.json).toMatchObject({ code: 'PGRST101', message: 'Cannot use the PATCH method on RPC' })
  })
})

describe('JWT errors', () => {
  it('answers 401 PGRST303 for an expired token', async () => {
    const expired = await signAccessToken({ sub: randomUUID() }, -120)
    const response = await rest('/contract_clients', { token: expired })
    expect(response.status).toBe(401)
    expect(response.json).toMatchObject({ code: 'PGRST303', message: 'JWT expired' })
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token", error_description="JWT expired"')
  })

  it('answers 401 PGRST301 for a token with a wrong signature or shape', async () => {
    const token = await signAccessToken({ sub: randomUUID() })
    const tampered = `${token.slice(0, -4)}AAAA`
    const response = await rest('/contract_clients', { token: tampered })
    expect(response.status).toBe(401)
    expect(response.json).toMatchObject({ code: 'PGRST301' })
    const garbage = await rest('/contract_clients', { token: 'not-a-jwt' })
    expect(garbage.status).toBe(401)
    expect(garbage.json).toMatchObject({ code: 'PGRST301', message: 'Expected 3 parts in JWT; got 1' })
  })

  it('answers 401 for a role that does not exist', async () => {
    const token = await signAccessToken({ sub: randomUUID(), role: 'no_such_role' })
    const response = await rest('/contract_clients', { token })
    expect(response.status).toBe(401)
    expect(response.json).toMatchObject({ code: '22023', message: 'role "no_such_role" does not exist' })
  })
})
