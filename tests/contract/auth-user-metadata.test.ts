// user_metadata, which every account writes about itself through Auth, is bounded, and no access
// token carries it (supabase/migrations/20261203111000_bounded_user_metadata_and_lean_tokens.sql):
// what GoTrue answers when the database refuses a write, its 1 MiB body limit, and the claims the
// project's custom access token hook leaves.
import { decodeJwt } from 'jose'
import { afterAll, describe, expect, it } from 'vitest'
import { accessTokenOf, authFetch, createTestUser, signedInClient } from '../helpers/auth.ts'
import { closeDb, serviceClient, uniqueEmail } from '../helpers/personas.ts'

afterAll(closeDb)

describe('user_metadata is bounded', () => {
  it('refuses a key the portal does not use; what was stored stays', async () => {
    const user = await createTestUser('metadata-bound', { display_name: 'Nora', locale: 'de' })
    const client = await signedInClient(user)
    // GoTrue hides database errors from supabase-js (API version 2024-01-01): a 500 with its message.
    const refused = await client.auth.updateUser({ data: { notes: 'x'.repeat(100_000) } })
    expect(refused.error).toMatchObject({ status: 500, message: 'Error updating user' })
    expect((await client.auth.getUser()).data.user!.user_metadata).toEqual({ display_name: 'Nora', locale: 'de' })
    expect((await client.auth.updateUser({ data: { locale: 'fr' } })).error).toMatchObject({ status: 500 })
    expect((await client.auth.updateUser({ data: { locale: 'en' } })).data.user!.user_metadata).toEqual({ display_name: 'Nora', locale: 'en' })
  })

  it('shows older clients the database\'s reason, as GoTrue does for PTnnn errors', async () => {
    const client = await signedInClient(await createTestUser('metadata-legacy'))
    const response = await authFetch('/user', { method: 'PUT', token: await accessTokenOf(client), apiVersion: null, body: { data: { display_name: 'x'.repeat(201) } } })
    expect(response.status).toBe(422)
    expect(await response.json()).toEqual({
      code: 'PT422',
      message: 'invalid_user_metadata',
      detail: 'Key "display_name": text of at most 200 characters.',
      hint: 'user_metadata holds display_name and locale; the profile is the place for what people see.',
    })
  })

  it('refuses request bodies over 1 MiB with 413, as GoTrue does', async () => {
    const client = await signedInClient(await createTestUser('metadata-huge'))
    const response = await authFetch('/user', { method: 'PUT', token: await accessTokenOf(client), body: { data: { display_name: 'x'.repeat(2 * 1024 * 1024) } } })
    expect(response.status).toBe(413)
    expect(await response.json()).toEqual({ code: 'request_entity_too_large', message: 'Request body too large (max 1048576 bytes)' })
  })

  it('refuses the admin API the same way', async () => {
    const created = await serviceClient().auth.admin.createUser({ email: uniqueEmail('metadata-admin'), email_confirm: true, user_metadata: { role: 'admin' } })
    expect(created.error).toMatchObject({ status: 500, message: 'Database error creating new user' })
  })
})

describe('access tokens', () => {
  it('carry GoTrue\'s claims without user_metadata; expires_at is GoTrue\'s own', async () => {
    const user = await createTestUser('metadata-token', { display_name: 'Tara Token', locale: 'en' })
    const { data, error } = await (await signedInClient(user)).auth.getSession()
    expect(error).toBeNull()
    const session = data.session!
    const claims = decodeJwt(session.access_token)
    expect(Object.keys(claims).sort()).toEqual(['aal', 'amr', 'app_metadata', 'aud', 'email', 'exp', 'iat', 'is_anonymous', 'iss', 'phone', 'role', 'session_id', 'sub'])
    expect(session.expires_at).toBe(claims.exp)
    expect(session.user.user_metadata).toMatchObject({ display_name: 'Tara Token', locale: 'en' })
  })
})
