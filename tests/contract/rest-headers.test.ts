// The HTTP surface around the data: profiles (schemas), Content-Range/Location, Preference-Applied,
// what a request makes visible to SQL (role, claims, method, path, headers, cookies), response
// headers and status set by the database, and the OpenAPI root.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rest, restFixture } from '../helpers/fixtures.ts'
import { testEnv } from '../helpers/env.ts'
import { anonClient, closeDb, createPersona, serviceClient } from '../helpers/personas.ts'

beforeAll(restFixture)
afterAll(closeDb)

describe('profiles', () => {
  it('reads from the schema named in Accept-Profile and answers with Content-Profile', async () => {
    const response = await rest('/contract_clients?select=id&id=eq.1', { headers: { 'Accept-Profile': 'public' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-profile')).toBe('public')
    const { data, error } = await anonClient().schema('graphql_public').rpc('graphql', { query: '{ __typename }' })
    expect(error).toBeNull()
    expect(data).toBeTypeOf('object')
  })

  it('reaches no table of another exposed schema without its profile', async () => {
    const response = await rest('/contract_clients', { headers: { 'Accept-Profile': 'graphql_public' } })
    expect(response.status).toBe(404)
    expect(response.json).toMatchObject({ code: 'PGRST205' })
  })
})

describe('range and location headers', () => {
  it('reports the range read and Content-Location', async () => {
    const response = await rest('/contract_clients?select=id&order=id&limit=2', { headers: { Prefer: 'count=exact' } })
    expect(response.status).toBe(206)
    expect(response.headers.get('content-range')).toBe('0-1/4')
    expect(response.headers.get('content-location')).toBe('/contract_clients?limit=2&order=id&select=id')
    expect(response.headers.get('preference-applied')).toBe('count=exact')
  })

  it('reports */0 for no rows and */* without a count', async () => {
    const counted = await rest('/contract_clients?id=eq.-1', { headers: { Prefer: 'count=exact' } })
    expect(counted.headers.get('content-range')).toBe('*/0')
    const uncounted = await rest('/contract_clients?id=eq.-1')
    expect(uncounted.headers.get('content-range')).toBe('*/*')
  })

  it('answers HEAD like GET without a body', async () => {
    const response = await rest('/contract_clients?select=id', { method: 'HEAD', headers: { Prefer: 'count=exact' } })
    expect(response.status).toBe(200)
    expect(response.text).toBe('')
    expect(response.headers.get('content-range')).toBe('0-3/4')
  })

  it('ignores preferences it does not know (lenient handling)', async () => {
    const response = await rest('/contract_clients?select=id&id=eq.1', { headers: { Prefer: 'count=exact, something=else' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('preference-applied')).toBe('count=exact')
  })

  it('refuses unknown preferences with handling=strict (PGRST122)', async () => {
    const response = await rest('/contract_clients', { headers: { Prefer: 'handling=strict, something=else' } })
    expect(response.status).toBe(400)
    expect(response.json).toMatchObject({ code: 'PGRST122', details: 'Invalid preferences: something=else' })
  })
})

describe('what SQL sees of the request', () => {
  it('runs as anon with the anon key\'s claims in a read-only transaction for GET', async () => {
    const response = await rest('/rpc/contract_request_info', { headers: { 'x-contract-test': 'hallo', 'Cookie': 'flavour=vanilla; other=1' } })
    expect(response.json).toMatchObject({
      role: 'anon',
      claims: { role: 'anon' },
      method: 'GET',
      path: '/rpc/contract_request_info',
      header: 'hallo',
      cookie: 'vanilla',
      read_only: 'on',
      statement_timeout: '3s',
      uid: null,
    })
  })

  it('runs as the signed-in user with the JWT claims', async () => {
    const user = await createPersona('rest-claims')
    const { data } = await user.client.rpc('contract_request_info')
    expect(data).toMatchObject({ role: 'authenticated', uid: user.id, method: 'POST', statement_timeout: '8s', claims: { sub: user.id, role: 'authenticated', email: user.email } })
  })

  it('runs as service_role with the service key', async () => {
    const { data } = await serviceClient().rpc('contract_request_info')
    expect(data).toMatchObject({ role: 'service_role', claims: { role: 'service_role' } })
  })

  it('lets the database set response headers and status', async () => {
    const response = await rest('/rpc/contract_with_headers')
    expect(response.status).toBe(202)
    expect(response.headers.get('x-contract-header')).toBe('set by the database')
    expect(response.json).toBe('accepted')
  })
})

describe('the root', () => {
  it('describes the exposed schema as OpenAPI 2.0', async () => {
    const response = await rest('/', { token: testEnv.serviceRoleKey, headers: { apikey: testEnv.serviceRoleKey } })
    expect(response.status).toBe(200)
    const document = response.json as { swagger: string, paths: Record<string, unknown>, definitions: Record<string, { properties: Record<string, unknown> }> }
    expect(document.swagger).toBe('2.0')
    expect(document.paths).toHaveProperty('/contract_clients')
    expect(document.paths).toHaveProperty('/rpc/contract_add')
    expect(Object.keys(document.definitions.contract_clients!.properties)).toEqual(['id', 'name', 'country'])
  })
})
