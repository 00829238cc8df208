// The admin users API through supabase-js's auth.admin (service role), and its refusal of others.
import { afterAll, describe, expect, it } from 'vitest'
import { accessTokenOf, authFetch, createTestUser, signedInClient, strongPassword } from '../helpers/auth.ts'
import { closeDb, serviceClient, uniqueEmail } from '../helpers/personas.ts'

afterAll(closeDb)

const admin = () => serviceClient().auth.admin

describe('admin users API', () => {
  it('creates a user, refuses the same address twice and reads it back', async () => {
    const email = uniqueEmail('admin-create')
    const created = await admin().createUser({ email, password: strongPassword(), email_confirm: true, user_metadata: { display_name: 'A' }, app_metadata: { portal_role: 'staff' } })
    expect(created.error).toBeNull()
    expect(created.data.user).toMatchObject({ email, user_metadata: { display_name: 'A' }, app_metadata: { provider: 'email', providers: ['email'], portal_role: 'staff' } })
    expect(created.data.user!.email_confirmed_at).toBeTruthy()
    const duplicate = await admin().createUser({ email, password: strongPassword() })
    expect(duplicate.error).toMatchObject({ status: 422, code: 'email_exists' })
    const read = await admin().getUserById(created.data.user!.id)
    expect(read.data.user!.email).toBe(email)
  })

  it('applies the password rules to admin-set passwords', async () => {
    const { error } = await admin().createUser({ email: uniqueEmail('admin-weak'), password: 'kurz' })
    expect(error).toMatchObject({ status: 422, code: 'weak_password' })
  })

  it('lists users page by page with the total', async () => {
    await Promise.all([createTestUser('list-a'), createTestUser('list-b')])
    const { data, error } = await admin().listUsers({ page: 1, perPage: 1 })
    expect(error).toBeNull()
    expect(data.users).toHaveLength(1)
    expect((data as unknown as { total: number }).total).toBeGreaterThanOrEqual(2)
    expect((data as unknown as { nextPage: number | null }).nextPage).toBe(2)
    const response = await authFetch('/admin/users?page=1&per_page=2', { token: (await import('../helpers/env.ts')).testEnv.serviceRoleKey })
    expect(response.headers.get('x-total-count')).toMatch(/^\d+$/)
    expect(response.headers.get('link')).toMatch(/^<\/admin\/users\?page=2&per_page=2>; rel="next", <\/admin\/users\?page=\d+&per_page=2>; rel="last"$/)
  })

  it('updates metadata by merging and bans with ban_duration', async () => {
    const user = await createTestUser('admin-update', { display_name: 'Alt', locale: 'de' })
    const { data, error } = await admin().updateUserById(user.id, { user_metadata: { locale: null, email_verified: true }, ban_duration: '1h' })
    expect(error).toBeNull()
    expect(data.user!.user_metadata).toEqual({ display_name: 'Alt', email_verified: true })
    expect(new Date(data.user!.banned_until!).getTime()).toBeGreaterThan(Date.now() + 59 * 60_000)
    const invalid = await admin().updateUserById(user.id, { ban_duration: 'forever' })
    expect(invalid.error).toMatchObject({ status: 400, code: 'validation_failed' })
  })

  it('deletes a user, whose tokens stop working', async () => {
    const user = await createTestUser('admin-delete')
    const client = await signedInClient(user)
    const token = await accessTokenOf(client)
    expect((await admin().deleteUser(user.id)).error).toBeNull()
    expect((await admin().getUserById(user.id)).error).toMatchObject({ status: 404, code: 'user_not_found' })
    const response = await authFetch('/user', { token })
    expect(response.status).toBe(403)
    expect(await response.json()).toMatchObject({ code: 'user_not_found' })
  })

  it('refuses signed-in users on admin routes with not_admin', async () => {
    const user = await createTestUser('not-admin')
    const token = await accessTokenOf(await signedInClient(user))
    for (const [method, path] of [['GET', '/admin/users'], ['POST', '/invite'], ['GET', `/admin/users/${user.id}`]] as const) {
      const response = await authFetch(path, { method, token, body: method === 'POST' ? { email: uniqueEmail('x') } : undefined })
      expect(response.status).toBe(403)
      expect(await response.json()).toMatchObject({ code: 'not_admin' })
    }
  })
})
