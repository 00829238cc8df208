// GoTrue's error contract: statuses, codes, the API-version echo, JWT failures, disabled
// features and the per-IP rate limit.
import { randomInt, randomUUID } from 'node:crypto'
import { SignJWT } from 'jose'
import { afterAll, describe, expect, it } from 'vitest'
import { authClient, authFetch, createTestUser } from '../helpers/auth.ts'
import { testEnv } from '../helpers/env.ts'
import { closeDb, signAccessToken } from '../helpers/personas.ts'

afterAll(closeDb)

describe('health and discovery', () => {
  it('answers /health, /settings and the JWKS', async () => {
    const health = await authFetch('/health')
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ name: 'GoTrue', version: expect.stringMatching(/^v?2\./) })
    const settings = await (await authFetch('/settings')).json() as Record<string, unknown>
    expect(settings).toMatchObject({ disable_signup: true, external: expect.objectContaining({ email: true }) })
    const jwks = await (await authFetch('/.well-known/jwks.json')).json() as { keys: unknown[] }
    expect(Array.isArray(jwks.keys)).toBe(true)
  })
})

describe('error shape', () => {
  it('uses {code, message} and echoes X-Supabase-Api-Version for 2024-01-01 clients', async () => {
    const response = await authFetch('/token?grant_type=password', { method: 'POST', body: { email: 'nobody@test.example', password: 'irrelevant-password' } })
    expect(response.status).toBe(400)
    expect(response.headers.get('x-supabase-api-version')).toBe('2024-01-01')
    expect(await response.json()).toEqual({ code: 'invalid_credentials', message: 'Invalid login credentials' })
  })

  it('uses the legacy {code: status, error_code, msg} without the version header', async () => {
    const response = await authFetch('/token?grant_type=password', { method: 'POST', apiVersion: null, body: { email: 'nobody@test.example', password: 'irrelevant-password' } })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ code: 400, error_code: 'invalid_credentials', msg: 'Invalid login credentials' })
  })
})

describe('bearer tokens', () => {
  const userCall = async (token?: string) => {
    const headers: Record<string, string> = { 'apikey': testEnv.anonKey, 'X-Supabase-Api-Version': '2024-01-01' }
    if (token) headers.Authorization = `Bearer ${token}`
    const response = await fetch(`${testEnv.supabaseUrl}/auth/v1/user`, { headers })
    return { status: response.status, body: await response.json() as { code: string } }
  }

  it('401 no_authorization without a token', async () => {
    expect(await userCall()).toMatchObject({ status: 401, body: { code: 'no_authorization' } })
  })

  it('403 bad_jwt for a forged and for an expired token', async () => {
    const user = await createTestUser('jwt')
    const forged = await new SignJWT({ sub: user.id, role: 'authenticated', aud: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode('not-the-project-secret-but-just-as-long-000'))
    const expired = await signAccessToken({ sub: user.id }, -60)
    expect(await userCall(forged)).toMatchObject({ status: 403, body: { code: 'bad_jwt' } })
    expect(await userCall(expired)).toMatchObject({ status: 403, body: { code: 'bad_jwt' } })
  })

  it('403 user_not_found for a valid token of a user that does not exist', async () => {
    const token = await signAccessToken({ sub: randomUUID() })
    expect(await userCall(token)).toMatchObject({ status: 403, body: { code: 'user_not_found' } })
  })

  it('supabase-js getUser reports the refusal', async () => {
    const { error } = await authClient().auth.getUser(await signAccessToken({ sub: randomUUID() }))
    expect(error).toMatchObject({ status: 403, code: 'user_not_found' })
  })
})

describe('disabled features', () => {
  it('refuses sign-up and anonymous sign-in as configured', async () => {
    const signUp = await authClient().auth.signUp({ email: `signup-${randomUUID()}@test.example`, password: 'ein-langes-passwort-123' })
    expect(signUp.error).toMatchObject({ status: 422, code: 'signup_disabled' })
    const anonymous = await authClient().auth.signInAnonymously()
    expect(anonymous.error).toMatchObject({ status: 422, code: 'anonymous_provider_disabled' })
  })

  it.skipIf(!testEnv.isDevstack)('answers what the devstack leaves out with 501, never silently', async () => {
    const response = await authFetch('/token?grant_type=pkce', { method: 'POST', body: { auth_code: 'x', code_verifier: 'y' } })
    expect(response.status).toBe(501)
    expect(await response.json()).toMatchObject({ code: 'not_implemented' })
  })
})

describe('rate limits', () => {
  it('answers 429 over_request_rate_limit once one address exceeds sign_in_sign_ups', async () => {
    // TEST-NET-1: no other test uses these addresses, so this bucket is this test's alone.
    const ip = `192.0.2.${randomInt(1, 255)}`
    const statuses: number[] = []
    for (let attempt = 0; attempt < 40 && !statuses.includes(429); attempt++) {
      const response = await authFetch('/token?grant_type=password', { method: 'POST', ip, body: { email: 'nobody@test.example', password: 'irrelevant-password' } })
      statuses.push(response.status)
      if (response.status === 429) expect(await response.json()).toMatchObject({ code: 'over_request_rate_limit' })
    }
    expect(statuses).toContain(429)
    expect(statuses[0]).toBe(400)
    const otherAddress = await authFetch('/token?grant_type=password', { method: 'POST', body: { email: 'nobody@test.example', password: 'irrelevant-password' } })
    expect(otherAddress.status).toBe(400)
  })
})
