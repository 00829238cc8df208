// Refresh-token rotation with GoTrue's reuse rules, session limits from config.toml and the
// sign-out scopes. Timestamps are moved back in the database instead of waiting.
import { afterAll, describe, expect, it } from 'vitest'
import { readSupabaseToml, tomlValue } from '../../devstack/src/config.ts'
import { accessTokenOf, authClient, authFetch, createTestUser, signedInClient } from '../helpers/auth.ts'
import { closeDb, db } from '../helpers/personas.ts'

afterAll(closeDb)

const toml = readSupabaseToml()

async function refresh(refreshToken: string) {
  return authClient().auth.refreshSession({ refresh_token: refreshToken })
}

async function signIn(label: string) {
  const user = await createTestUser(label)
  const { data, error } = await authClient().auth.signInWithPassword({ email: user.email, password: user.password })
  if (error) throw error
  return { user, session: data.session! }
}

describe('refresh', () => {
  it('issues a new refresh token and an access token that lasts jwt_expiry', async () => {
    const { session } = await signIn('refresh')
    const { data, error } = await refresh(session.refresh_token)
    expect(error).toBeNull()
    expect(data.session!.refresh_token).not.toBe(session.refresh_token)
    expect(data.session!.expires_in).toBe(tomlValue(toml, 'auth.jwt_expiry', 3600))
    const [parent] = await db()`select revoked from auth.refresh_tokens where token = ${session.refresh_token}`
    expect(parent!.revoked).toBe(true)
  })

  it('answers a retried refresh with the token it already issued', async () => {
    const { session } = await signIn('retry')
    const first = await refresh(session.refresh_token)
    const retried = await refresh(session.refresh_token)
    expect(retried.error).toBeNull()
    expect(retried.data.session!.refresh_token).toBe(first.data.session!.refresh_token)
  })

  it('detects reuse outside the reuse interval and revokes the whole session family', async () => {
    const { session } = await signIn('reuse')
    const second = (await refresh(session.refresh_token)).data.session!
    const third = (await refresh(second.refresh_token)).data.session!
    const interval = tomlValue(toml, 'auth.refresh_token_reuse_interval', 10)
    await db()`update auth.refresh_tokens set updated_at = now() - make_interval(secs => ${interval + 60}) where token = ${session.refresh_token}`

    const { error } = await refresh(session.refresh_token)
    expect(error).toMatchObject({ status: 400, code: 'refresh_token_already_used' })
    const [sessionRow] = await db()`select session_id from auth.refresh_tokens where token = ${third.refresh_token}`
    const live = await db()`select token from auth.refresh_tokens where session_id = ${sessionRow!.session_id} and not revoked`
    expect(live).toEqual([])
  })

  it('rejects an unknown refresh token', async () => {
    const { error } = await refresh('doesnotexist')
    expect(error).toMatchObject({ status: 400, code: 'refresh_token_not_found' })
  })
})

describe('session limits of [auth.sessions]', () => {
  it('ends a session older than the timebox', async () => {
    const { session } = await signIn('timebox')
    await db()`update auth.sessions set created_at = now() - interval '13 hours' where id = (select session_id from auth.refresh_tokens where token = ${session.refresh_token})`
    const { error } = await refresh(session.refresh_token)
    expect(error).toMatchObject({ status: 400, code: 'session_expired' })
  })

  it('ends a session idle for longer than the inactivity timeout, and keeps an active one', async () => {
    const idle = await signIn('idle')
    const active = await signIn('active')
    await db()`update auth.refresh_tokens set updated_at = now() - interval '31 minutes' where token = ${idle.session.refresh_token}`
    await db()`update auth.refresh_tokens set updated_at = now() - interval '29 minutes' where token = ${active.session.refresh_token}`
    expect((await refresh(idle.session.refresh_token)).error).toMatchObject({ status: 400, code: 'session_expired' })
    expect((await refresh(active.session.refresh_token)).error).toBeNull()
  })
})

describe('sign-out scopes', () => {
  const userStatus = async (token: string) => {
    const response = await authFetch('/user', { token })
    return { status: response.status, code: response.ok ? null : (await response.json() as { code: string }).code }
  }

  it('others ends every session but the caller\'s; later calls with those tokens get 403 session_not_found', async () => {
    const user = await createTestUser('scope-others')
    const [keep, drop1, drop2] = await Promise.all([signedInClient(user), signedInClient(user), signedInClient(user)])
    const tokens = await Promise.all([keep, drop1, drop2].map(accessTokenOf))
    expect((await keep.auth.signOut({ scope: 'others' })).error).toBeNull()
    expect(await userStatus(tokens[0]!)).toEqual({ status: 200, code: null })
    expect(await userStatus(tokens[1]!)).toEqual({ status: 403, code: 'session_not_found' })
    expect(await userStatus(tokens[2]!)).toEqual({ status: 403, code: 'session_not_found' })
  })

  it('others keeps the caller signed in (its session refreshes) while the other refresh tokens are refused', async () => {
    const user = await createTestUser('scope-others-refresh')
    const [keep, drop] = await Promise.all([signedInClient(user), signedInClient(user)])
    const dropped = (await drop.auth.getSession()).data.session!
    expect((await keep.auth.signOut({ scope: 'others' })).error).toBeNull()
    const kept = (await keep.auth.getSession()).data.session
    expect(kept).not.toBeNull()
    expect((await refresh(kept!.refresh_token)).error).toBeNull()
    expect((await refresh(dropped.refresh_token)).error).toMatchObject({ status: 400, code: 'refresh_token_not_found' })
    expect(await db()`select id from auth.sessions where user_id = ${user.id}`).toHaveLength(1)
  })

  it('local ends only the caller\'s session', async () => {
    const user = await createTestUser('scope-local')
    const [leaving, staying] = await Promise.all([signedInClient(user), signedInClient(user)])
    const [leavingToken, stayingToken] = await Promise.all([accessTokenOf(leaving), accessTokenOf(staying)])
    expect((await leaving.auth.signOut({ scope: 'local' })).error).toBeNull()
    expect(await userStatus(leavingToken)).toEqual({ status: 403, code: 'session_not_found' })
    expect(await userStatus(stayingToken)).toEqual({ status: 200, code: null })
  })

  it('global ends every session of the user, and the refresh tokens with them', async () => {
    const user = await createTestUser('scope-global')
    const [first, second] = await Promise.all([signedInClient(user), signedInClient(user)])
    const secondSession = (await second.auth.getSession()).data.session!
    expect((await first.auth.signOut()).error).toBeNull()
    expect(await userStatus(secondSession.access_token)).toEqual({ status: 403, code: 'session_not_found' })
    expect((await refresh(secondSession.refresh_token)).error).toMatchObject({ status: 400, code: 'refresh_token_not_found' })
    expect(await db()`select id from auth.sessions where user_id = ${user.id}`).toEqual([])
  })

  it('answers 204 to the logout call itself', async () => {
    const user = await createTestUser('logout-204')
    const client = await signedInClient(user)
    const response = await authFetch('/logout?scope=local', { method: 'POST', token: await accessTokenOf(client) })
    expect(response.status).toBe(204)
  })
})
