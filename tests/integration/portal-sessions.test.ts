// What the app shell asks at start and on its security page, over HTTP with real sessions:
// my_access_state() names the persona, display name and language; my_sessions() lists the
// caller's devices with this one marked, and signOut({ scope: 'others' }) ends every other one.
import type { SupabaseClient } from '@supabase/supabase-js'
import { decodeJwt } from 'jose'
import { afterAll, describe, expect, it } from 'vitest'
import { accessTokenOf } from '../helpers/auth.ts'
import { call, closePortal, newSession, portalUser, refusal, staffMember } from '../helpers/portal.ts'

afterAll(closePortal)

interface SessionRow { id: string, created_at: string, refreshed_at: string | null, user_agent: string | null, ip: string | null, current: boolean }

const sessionIdOf = async (client: SupabaseClient) => decodeJwt(await accessTokenOf(client)).session_id as string
const mySessions = (client: SupabaseClient) => call<SessionRow[]>(client, 'my_sessions')

describe('my_access_state() at start', () => {
  it('names the persona, the display name and the language in the one call', async () => {
    const [admin, employee, newcomer] = await Promise.all([
      staffMember('shell-admin', { admin: true }), staffMember('shell-staff'), portalUser('shell-newcomer'),
    ])
    expect(await call(admin.client, 'my_access_state')).toMatchObject({ persona: 'admin', display_name: 'shell-admin (Test)', locale: 'de', access_allowed: true })
    expect(await call(employee.client, 'my_access_state')).toMatchObject({ persona: 'staff', display_name: 'shell-staff (Test)' })
    expect(await call(newcomer.client, 'my_access_state')).toMatchObject({ persona: null, display_name: 'shell-newcomer (Test)' })
  })
})

describe('my_sessions() and signing out the other devices', () => {
  it('lists only the caller\'s sessions with this one current; signOut others leaves only this one', async () => {
    const user = await staffMember('shell-sessions')
    const otherDevice = await newSession(user)
    const stranger = await staffMember('shell-stranger')
    const [thisId, otherId, strangerId] = await Promise.all([user.client, otherDevice, stranger.client].map(sessionIdOf))

    const listed = await mySessions(user.client)
    expect(listed.map(row => row.id).sort()).toEqual([thisId, otherId].sort())
    expect(listed.filter(row => row.current).map(row => row.id)).toEqual([thisId])
    expect((await mySessions(otherDevice)).filter(row => row.current).map(row => row.id)).toEqual([otherId])
    expect((await mySessions(stranger.client)).map(row => row.id)).toEqual([strangerId])

    expect((await user.client.auth.signOut({ scope: 'others' })).error).toBeNull()
    expect((await mySessions(user.client)).map(row => [row.id, row.current])).toEqual([[thisId, true]])
    expect(await refusal(otherDevice, 'my_sessions')).toMatchObject({ code: 'P0001', message: 'session_required' })
    expect((await mySessions(stranger.client)).map(row => row.id)).toEqual([strangerId])
  })
})
