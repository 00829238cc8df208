// Password sign-in, the user's own record and password changes, through supabase-js.
import { AuthApiError, AuthWeakPasswordError } from '@supabase/supabase-js'
import { decodeJwt } from 'jose'
import { afterAll, describe, expect, it } from 'vitest'
import { accessTokenOf, authClient, authFetch, createTestUser, signedInClient, strongPassword } from '../helpers/auth.ts'
import { closeDb, db, serviceClient } from '../helpers/personas.ts'

afterAll(closeDb)

describe('password sign-in', () => {
  it('returns a session whose access token carries GoTrue\'s claims, backed by auth.sessions', async () => {
    const user = await createTestUser('sign-in', { display_name: 'Erika Muster' })
    const { data, error } = await authClient().auth.signInWithPassword({ email: user.email, password: user.password })
    expect(error).toBeNull()
    const session = data.session!
    expect(session.token_type).toBe('bearer')
    expect(session.expires_in).toBeGreaterThan(90)
    expect(session.expires_at).toBeGreaterThan(Date.now() / 1000)
    expect(session.refresh_token).toMatch(/\S+/)
    expect(data.user!.email).toBe(user.email)
    expect(data.user!.identities?.[0]?.provider).toBe('email')

    const claims = decodeJwt(session.access_token)
    expect(claims).toMatchObject({
      sub: user.id,
      aud: 'authenticated',
      role: 'authenticated',
      email: user.email,
      phone: '',
      aal: 'aal1',
      is_anonymous: false,
      app_metadata: { provider: 'email', providers: ['email'] },
    })
    // The project's custom access token hook leaves user_metadata out (auth-user-metadata.test.ts).
    expect(claims).not.toHaveProperty('user_metadata')
    expect(String(claims.iss)).toMatch(/\/auth\/v1$/)
    expect(claims.exp! - claims.iat!).toBe(session.expires_in)
    expect(claims.amr).toEqual([{ method: 'password', timestamp: expect.any(Number) }])
    const [row] = await db()`select user_id, aal::text from auth.sessions where id = ${claims.session_id as string}`
    expect(row).toEqual({ user_id: user.id, aal: 'aal1' })
  })

  it('stores the password as a bcrypt $2a$ hash of cost 10, as GoTrue does', async () => {
    const user = await createTestUser('hash')
    const [row] = await db()`select encrypted_password from auth.users where id = ${user.id}`
    expect(row!.encrypted_password).toMatch(/^\$2a\$10\$.{53}$/)
  })

  it('refuses a wrong password and an unknown address with the same answer', async () => {
    const user = await createTestUser('wrong-password')
    const wrong = await authClient().auth.signInWithPassword({ email: user.email, password: `${user.password}x` })
    const unknown = await authClient().auth.signInWithPassword({ email: `nobody-${user.id}@test.example`, password: user.password })
    for (const { error, data } of [wrong, unknown]) {
      expect(error).toBeInstanceOf(AuthApiError)
      expect(error).toMatchObject({ status: 400, code: 'invalid_credentials', message: 'Invalid login credentials' })
      expect(data.session).toBeNull()
    }
  })

  it('refuses a banned user with user_banned and lets them in again once the ban is lifted', async () => {
    const user = await createTestUser('banned')
    const admin = serviceClient().auth.admin
    await admin.updateUserById(user.id, { ban_duration: '24h' })
    const banned = await authClient().auth.signInWithPassword({ email: user.email, password: user.password })
    expect(banned.error).toMatchObject({ status: 400, code: 'user_banned' })
    await admin.updateUserById(user.id, { ban_duration: 'none' })
    const lifted = await authClient().auth.signInWithPassword({ email: user.email, password: user.password })
    expect(lifted.error).toBeNull()
  })
})

describe('the user\'s own record', () => {
  it('reads the user and merges `data` into user_metadata', async () => {
    const user = await createTestUser('metadata', { locale: 'de', display_name: 'Dora' })
    const client = await signedInClient(user)
    const { data, error } = await client.auth.updateUser({ data: { locale: 'en', display_name: null } })
    expect(error).toBeNull()
    expect(data.user!.user_metadata).toEqual({ locale: 'en' })
    const { data: fetched } = await client.auth.getUser()
    expect(fetched.user!.user_metadata).toEqual({ locale: 'en' })
  })

  it('refuses to set app_metadata for oneself', async () => {
    const user = await createTestUser('app-metadata')
    const client = await signedInClient(user)
    const response = await authFetch('/user', { method: 'PUT', token: await accessTokenOf(client), body: { app_metadata: { role: 'admin' } } })
    expect(response.status).toBe(403)
    expect(await response.json()).toMatchObject({ code: 'not_admin' })
  })

  it('enforces the password rules of config.toml with weak_password reasons', async () => {
    const user = await createTestUser('weak')
    const client = await signedInClient(user)
    const { error } = await client.auth.updateUser({ password: 'kurz' })
    expect(error).toBeInstanceOf(AuthWeakPasswordError)
    expect(error).toMatchObject({ status: 422, code: 'weak_password', reasons: ['length'] })
    expect(error!.message).toContain('at least 12 characters')
  })

  it('refuses the current password as the new one', async () => {
    const user = await createTestUser('same')
    const client = await signedInClient(user)
    const { error } = await client.auth.updateUser({ password: user.password })
    expect(error).toMatchObject({ status: 422, code: 'same_password' })
  })

  it('changes the password, after which only the new one works and other sessions end', async () => {
    const user = await createTestUser('change')
    const client = await signedInClient(user)
    const other = await signedInClient(user)
    const newPassword = strongPassword()
    const { error } = await client.auth.updateUser({ password: newPassword })
    expect(error).toBeNull()
    expect((await authClient().auth.signInWithPassword({ email: user.email, password: user.password })).error).toMatchObject({ code: 'invalid_credentials' })
    expect((await authClient().auth.signInWithPassword({ email: user.email, password: newPassword })).error).toBeNull()
    expect((await client.auth.getUser()).error).toBeNull()
    expect((await other.auth.getUser(await accessTokenOf(other))).error).toMatchObject({ name: 'AuthSessionMissingError' })
  })
})
