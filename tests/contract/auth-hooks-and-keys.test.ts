// Devstack only: a second, in-process Auth on the test database, configured with an override of
// config.toml (hooks pointing at temporary functions, an asymmetric signing key), proves that the
// hooks are called as GoTrue calls them and that RS256 tokens carry a `kid`.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SupabaseClient } from '@supabase/supabase-js'
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose'
import { Secret, TOTP } from 'otpauth'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestUser, type TestUser } from '../helpers/auth.ts'
import { type AuthVariant, startAuthVariant } from '../helpers/auth-variant.ts'
import { testEnv } from '../helpers/env.ts'
import { closeDb, db } from '../helpers/personas.ts'

const schema = `hook_test_${randomUUID().slice(0, 8)}`
const scratch = mkdtempSync(join(tmpdir(), 'auth-hooks-'))
let variant: AuthVariant | undefined
let url = ''

async function startAuth(override: Record<string, unknown>): Promise<void> {
  variant = await startAuthVariant(override)
  url = variant.url
}

const stopAuth = async () => variant?.stop()
const client = (): SupabaseClient => variant!.client()
const signIn = (user: TestUser) => client().auth.signInWithPassword({ email: user.email, password: user.password })

afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true })
  await closeDb()
})

describe.skipIf(!testEnv.isDevstack)('hooks (pg-functions)', () => {
  beforeAll(async () => {
    const sql = db()
    await sql.unsafe(`
      create schema ${schema};
      create table ${schema}.calls (hook text, event jsonb);
      create table ${schema}.blocked (user_id uuid primary key);
      create function ${schema}.access_token(event jsonb) returns jsonb language plpgsql as $$
      begin
        insert into ${schema}.calls values ('access_token', event);
        if exists (select 1 from ${schema}.blocked where user_id = (event->>'user_id')::uuid) then
          return jsonb_build_object('error', jsonb_build_object('http_code', 403, 'message', 'Zugang gesperrt'));
        end if;
        return jsonb_build_object('claims', event->'claims' || '{"portal_role": "test"}');
      end $$;
      create function ${schema}.password_attempt(event jsonb) returns jsonb language plpgsql as $$
      begin
        insert into ${schema}.calls values ('password', event);
        if (event->>'valid')::boolean then return '{"decision": "continue"}'; end if;
        return '{"decision": "reject", "message": "Zu viele Versuche", "should_logout_user": true}';
      end $$;
      create function ${schema}.mfa_attempt(event jsonb) returns jsonb language plpgsql as $$
      begin
        insert into ${schema}.calls values ('mfa', event);
        if (event->>'valid')::boolean then return '{"decision": "continue"}'; end if;
        return '{"decision": "reject"}';
      end $$;
      grant usage on schema ${schema} to supabase_auth_admin;
      grant all on all tables in schema ${schema} to supabase_auth_admin;
      grant execute on all functions in schema ${schema} to supabase_auth_admin;`)
    const hook = (fn: string) => ({ enabled: true, uri: `pg-functions://postgres/${schema}/${fn}` })
    await startAuth({ auth: { hook: { custom_access_token: hook('access_token'), password_verification_attempt: hook('password_attempt'), mfa_verification_attempt: hook('mfa_attempt') } } })
  })

  afterAll(async () => {
    await stopAuth()
    await db().unsafe(`drop schema ${schema} cascade`)
  })

  it('custom access token: the hook gets GoTrue\'s input and its claims are signed', async () => {
    const user = await createTestUser('hook-claims')
    const { data, error } = await signIn(user)
    expect(error).toBeNull()
    expect(decodeJwt(data.session!.access_token)).toMatchObject({ portal_role: 'test', sub: user.id, aal: 'aal1' })
    const [call] = await db()`select event from ${db()(schema)}.calls where hook = 'access_token' and event->>'user_id' = ${user.id}`
    expect(call!.event).toMatchObject({
      user_id: user.id,
      authentication_method: 'password',
      claims: { sub: user.id, role: 'authenticated', session_id: expect.any(String) },
      metadata: { name: 'customize-access-token' },
    })
  })

  it('custom access token: an error object fails the request with its status', async () => {
    const user = await createTestUser('hook-blocked')
    await db()`insert into ${db()(schema)}.blocked values (${user.id})`
    const { error } = await signIn(user)
    expect(error).toMatchObject({ status: 403, message: 'Zugang gesperrt' })
  })

  it('password verification attempt: reject answers invalid_credentials with the hook\'s message and signs the user out', async () => {
    const user = await createTestUser('hook-password')
    expect((await signIn(user)).error).toBeNull()
    const { error } = await client().auth.signInWithPassword({ email: user.email, password: 'wrong-password-123' })
    expect(error).toMatchObject({ status: 400, code: 'invalid_credentials', message: 'Zu viele Versuche' })
    expect(await db()`select id from auth.sessions where user_id = ${user.id}`).toEqual([])
    const [call] = await db()`select event from ${db()(schema)}.calls where hook = 'password' and event->>'user_id' = ${user.id} and event->>'valid' = 'false'`
    expect(call!.event).toMatchObject({ user_id: user.id, valid: false })
  })

  it('mfa verification attempt: reject answers 403 mfa_verification_rejected', async () => {
    const user = await createTestUser('hook-mfa')
    const signedIn = client()
    await signedIn.auth.signInWithPassword({ email: user.email, password: user.password })
    const { data: factor } = await signedIn.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Handy' })
    const code = new TOTP({ secret: Secret.fromBase32(factor!.totp.secret) }).generate()
    const { error } = await signedIn.auth.mfa.challengeAndVerify({ factorId: factor!.id, code: code === '000000' ? '111111' : '000000' })
    expect(error).toMatchObject({ status: 403, code: 'mfa_verification_rejected' })
    const [call] = await db()`select event from ${db()(schema)}.calls where hook = 'mfa' and event->>'user_id' = ${user.id}`
    expect(call!.event).toMatchObject({ factor_id: factor!.id, factor_type: 'totp', valid: false })
  })
})

describe.skipIf(!testEnv.isDevstack)('asymmetric signing keys (auth.signing_keys_path)', () => {
  beforeAll(async () => {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true })
    const jwk = { ...await exportJWK(privateKey), alg: 'RS256', kid: `test-${randomUUID()}`, use: 'sig', key_ops: ['sign', 'verify'] }
    const keysPath = join(scratch, 'signing_keys.json')
    writeFileSync(keysPath, JSON.stringify([jwk]))
    await startAuth({ auth: { signing_keys_path: keysPath } })
  })

  afterAll(stopAuth)

  it('signs access tokens with RS256 and a kid published in the JWKS, and accepts them', async () => {
    const user = await createTestUser('rs256')
    const signedIn = client()
    const { data, error } = await signedIn.auth.signInWithPassword({ email: user.email, password: user.password })
    expect(error).toBeNull()
    const header = decodeProtectedHeader(data.session!.access_token)
    expect(header.alg).toBe('RS256')
    const jwks = await (await fetch(`${url}/auth/v1/.well-known/jwks.json`)).json() as { keys: Array<Record<string, unknown>> }
    expect(jwks.keys).toEqual([expect.objectContaining({ kid: header.kid, kty: 'RSA', alg: 'RS256' })])
    expect(jwks.keys[0]).not.toHaveProperty('d')
    expect((await signedIn.auth.getUser()).data.user!.id).toBe(user.id)
  })
})
