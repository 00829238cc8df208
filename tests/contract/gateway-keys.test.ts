// The gateway as the self-hosted Supabase's Kong runs it (docker/volumes/api/kong.yml): key-auth on
// Auth, REST and Realtime with Kong's refusals, Auth's browser routes open, and the Authorization
// header Kong forwards — an apikey alone is copied without `Bearer `, so it never authenticates a
// call to Auth, REST or Functions (Storage strips an optional `Bearer ` itself and accepts it).
import { afterAll, describe, expect, it } from 'vitest'
import { testEnv } from '../helpers/env.ts'
import { closeDb, createPersona } from '../helpers/personas.ts'

afterAll(closeDb)

const call = async (path: string, headers: Record<string, string> = {}, init: RequestInit = {}) => {
  const response = await fetch(`${testEnv.supabaseUrl}${path}`, { ...init, headers: { 'X-Supabase-Api-Version': '2024-01-01', ...headers } })
  const text = await response.text()
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) as Record<string, unknown> : null }
}

describe.runIf(testEnv.gatewayChecksApiKey)('key-auth (Kong)', () => {
  it('refuses Auth, REST and Realtime without an apikey', async () => {
    for (const path of ['/auth/v1/settings', '/auth/v1/health', '/rest/v1/', '/realtime/v1/api/broadcast']) {
      const answer = await call(path)
      expect(answer.status, path).toBe(401)
      expect(answer.body, path).toEqual({ message: 'No API key found in request' })
    }
  })

  it('refuses an unknown apikey even beside a valid user token', async () => {
    const persona = await createPersona('gateway-bad-key')
    const answer = await call('/rest/v1/profiles?select=id', { apikey: 'not-a-project-key', Authorization: `Bearer ${persona.accessToken}` })
    expect(answer).toMatchObject({ status: 401, body: { message: 'Invalid authentication credentials' } })
    const userToken = await call('/auth/v1/user', { apikey: persona.accessToken, Authorization: `Bearer ${persona.accessToken}` })
    expect(userToken).toMatchObject({ status: 401, body: { message: 'Invalid authentication credentials' } })
  })

  it('takes the key from the query string too, as supabase-js sends it for Realtime', async () => {
    const answer = await call(`/auth/v1/settings?apikey=${testEnv.anonKey}`)
    expect(answer.status).toBe(200)
  })

  it('keeps Auth\'s browser routes open: /verify answers as GoTrue, not as Kong', async () => {
    const answer = await call('/auth/v1/verify?type=recovery&token=unknown&redirect_to=http://127.0.0.1:1', {}, { redirect: 'manual' })
    expect(answer.status).toBe(303)
    expect(answer.headers.get('location')).toContain('error_code=otp_expired')
  })
})

describe('an apikey without Authorization', () => {
  it('is no bearer for Auth: admin and user routes answer 401 no_authorization', async () => {
    const admin = await call('/auth/v1/admin/users', { apikey: testEnv.serviceRoleKey })
    expect(admin).toMatchObject({ status: 401, body: { code: 'no_authorization', message: 'This endpoint requires a valid Bearer token' } })
    const factors = await call('/auth/v1/factors', { apikey: testEnv.anonKey }, { method: 'POST', body: '{"factor_type":"totp"}' })
    expect(factors).toMatchObject({ status: 401, body: { code: 'no_authorization' } })
  })

  it('is anonymous for REST: the service-role key alone reads only what anon may', async () => {
    const answer = await call('/rest/v1/profiles?select=id', { apikey: testEnv.serviceRoleKey })
    expect(answer.status).toBe(401)
    expect(answer.body).toMatchObject({ code: '42501' })
  })

  it('translates the new secret key into the service_role JWT', async () => {
    const answer = await call('/rest/v1/profiles?select=id&limit=1', { apikey: testEnv.secretKey })
    expect(answer.status).toBe(200)
  })

  it('is the bearer Storage takes (it strips an optional Bearer itself)', async () => {
    const answer = await call('/storage/v1/bucket', { apikey: testEnv.serviceRoleKey })
    expect(answer.status).toBe(200)
  })

  it('is refused by edge functions that verify the JWT', async () => {
    const answer = await call('/functions/v1/echo', { apikey: testEnv.serviceRoleKey }, { method: 'POST', body: '{}' })
    expect(answer.status).toBe(401)
    // The CLI's gateway copies the apikey (no `Bearer `); the self-hosted one leaves Authorization out.
    expect(answer.body?.msg).toMatch(/^Error: (Auth header is not 'Bearer \{token\}'|Missing authorization header)$/)
  })
})

describe('a bearer Auth cannot use', () => {
  it('is named in golang-jwt\'s words, never with the raw bytes it was given', async () => {
    // A header segment that decodes to binary bytes, one that decodes to text but no JSON, and worse.
    const binary = `${Buffer.from([0xFF, 0x01, 0x00, 0x9C]).toString('base64url')}.e30.c2ln`
    for (const token of [binary, 'bm90IGpzb24.e30.c2ln', 'not-a-jwt', 'a.b.c', 'a!.b.c']) {
      const answer = await call('/auth/v1/user', { apikey: testEnv.anonKey, Authorization: `Bearer ${token}` })
      expect(answer.status).toBe(403)
      expect(answer.body?.code).toBe('bad_jwt')
      expect(answer.body?.message).toMatch(/^invalid JWT: unable to parse or verify signature, token is malformed: [\x20-\x7E\u00A1-\u00FF]+$/)
    }
  })

  it('refuses alg none as a signing method GoTrue does not accept', async () => {
    const header = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')
    const payload = Buffer.from(JSON.stringify({ sub: '00000000-0000-4000-8000-000000000000', role: 'service_role' })).toString('base64url')
    const answer = await call('/auth/v1/admin/users', { apikey: testEnv.anonKey, Authorization: `Bearer ${header}.${payload}.` })
    expect(answer).toMatchObject({ status: 403, body: { code: 'bad_jwt', message: 'invalid JWT: unable to parse or verify signature, token signature is invalid: signing method none is invalid' } })
  })
})
