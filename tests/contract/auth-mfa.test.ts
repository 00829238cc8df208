// TOTP MFA through supabase-js: enrol, challenge, verify (aal2), replay, unenrol, admin view.
import { decodeJwt } from 'jose'
import { Secret, TOTP } from 'otpauth'
import type { SupabaseClient } from '@supabase/supabase-js'
import { afterAll, describe, expect, it } from 'vitest'
import { accessTokenOf, authFetch, createTestUser, signedInClient, type TestUser } from '../helpers/auth.ts'
import { closeDb, db, serviceClient } from '../helpers/personas.ts'

afterAll(closeDb)

const codeFor = (secret: string, offsetSeconds = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: Date.now() + offsetSeconds * 1000 })

async function enrolled(client: SupabaseClient, friendlyName = 'Handy') {
  const { data, error } = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName })
  if (error) throw error
  return data
}

/** Also returns the code it verified with: a code computed again later may be the next step's. */
async function verifiedFactor(client: SupabaseClient, friendlyName?: string) {
  const factor = await enrolled(client, friendlyName)
  const usedCode = codeFor(factor.totp.secret)
  const { error } = await client.auth.mfa.challengeAndVerify({ factorId: factor.id, code: usedCode })
  if (error) throw error
  return { ...factor, usedCode }
}

async function userWithVerifiedFactor(label: string): Promise<{ user: TestUser, client: SupabaseClient, factorId: string, secret: string, usedCode: string }> {
  const user = await createTestUser(label)
  const client = await signedInClient(user)
  const factor = await verifiedFactor(client)
  return { user, client, factorId: factor.id, secret: factor.totp.secret, usedCode: factor.usedCode }
}

describe('TOTP enrolment and verification', () => {
  it('enrols with a secret, an otpauth URI and an SVG QR code', async () => {
    const client = await signedInClient(await createTestUser('enroll'))
    const factor = await enrolled(client)
    expect(factor.type).toBe('totp')
    expect(factor.totp.secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(factor.totp.uri).toMatch(/^otpauth:\/\/totp\/[^?]+\?.*secret=[A-Z2-7]{32}/)
    expect(factor.totp.qr_code).toMatch(/^data:image\/svg\+xml;utf-8,<svg/)
    const { data } = await client.auth.mfa.listFactors()
    expect(data!.all).toEqual([expect.objectContaining({ id: factor.id, status: 'unverified', factor_type: 'totp' })])
    expect(data!.totp).toEqual([])
  })

  it('verifies a code: the session becomes aal2 with amr totp and the factor verified', async () => {
    const user = await createTestUser('verify')
    const client = await signedInClient(user)
    const factor = await enrolled(client)
    const challenge = await client.auth.mfa.challenge({ factorId: factor.id })
    expect(challenge.data!.expires_at).toBeGreaterThan(Date.now() / 1000)
    const { data, error } = await client.auth.mfa.verify({ factorId: factor.id, challengeId: challenge.data!.id, code: codeFor(factor.totp.secret) })
    expect(error).toBeNull()
    const claims = decodeJwt(data!.access_token)
    expect(claims.aal).toBe('aal2')
    expect((claims.amr as Array<{ method: string }>).map(entry => entry.method)).toEqual(expect.arrayContaining(['totp', 'password']))
    const [session] = await db()`select aal::text, factor_id from auth.sessions where id = ${claims.session_id as string}`
    expect(session).toEqual({ aal: 'aal2', factor_id: factor.id })
    const { data: user2 } = await client.auth.getUser()
    expect(user2.user!.factors).toEqual([expect.objectContaining({ id: factor.id, status: 'verified' })])
    const { data: level } = await client.auth.mfa.getAuthenticatorAssuranceLevel()
    expect(level).toMatchObject({ currentLevel: 'aal2', nextLevel: 'aal2' })
  })

  it('refuses a wrong code and does not accept a used code twice', async () => {
    // The code the factor was verified with: computing it again could cross into the next 30 s step.
    const { client, factorId, usedCode } = await userWithVerifiedFactor('replay')
    const wrong = await client.auth.mfa.challengeAndVerify({ factorId, code: usedCode === '000000' ? '111111' : '000000' })
    expect(wrong.error).toMatchObject({ status: 422, code: 'mfa_verification_failed' })
    const replayed = await client.auth.mfa.challengeAndVerify({ factorId, code: usedCode })
    expect(replayed.error).toMatchObject({ status: 422, code: 'mfa_verification_failed' })
  })

  it('ends the user\'s other aal1 sessions when the first factor is verified', async () => {
    const user = await createTestUser('invalidate')
    const bystander = await signedInClient(user)
    const client = await signedInClient(user)
    const factor = await enrolled(client)
    expect((await client.auth.mfa.challengeAndVerify({ factorId: factor.id, code: codeFor(factor.totp.secret) })).error).toBeNull()
    const response = await authFetch('/user', { token: await accessTokenOf(bystander) })
    expect(response.status).toBe(403)
  })

  it('needs aal2 to unenrol a verified factor or to enrol another', async () => {
    const { user, factorId, secret } = await userWithVerifiedFactor('aal-gate')
    const fresh = await signedInClient(user)
    const { data: level } = await fresh.auth.mfa.getAuthenticatorAssuranceLevel()
    expect(level).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal2' })
    expect((await fresh.auth.mfa.unenroll({ factorId })).error).toMatchObject({ status: 422, code: 'insufficient_aal' })
    expect((await fresh.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Zweites' })).error).toMatchObject({ status: 403, code: 'insufficient_aal' })

    // The next time step: the step used at enrolment is spent. The portal keeps the last factor
    // (tests/integration/second-factor-removal.test.ts), so a second one is added first.
    expect((await fresh.auth.mfa.challengeAndVerify({ factorId, code: codeFor(secret, 30) })).error).toBeNull()
    const second = await verifiedFactor(fresh, 'Zweites')
    expect((await fresh.auth.mfa.unenroll({ factorId })).error).toBeNull()
    const { data } = await fresh.auth.mfa.listFactors()
    expect(data!.all.map(factor => factor.id)).toEqual([second.id])
  })

  it('refuses more than max_enrolled_factors and a repeated friendly name', async () => {
    const client = await signedInClient(await createTestUser('max-factors'))
    for (let i = 0; i < 10; i++) expect((await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: `Faktor ${i}` })).error).toBeNull()
    expect((await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Faktor 10' })).error).toMatchObject({ status: 422, code: 'too_many_enrolled_mfa_factors' })
    expect((await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Faktor 1' })).error).toMatchObject({ status: 422, code: 'mfa_factor_name_conflict' })
  })

  it('lets the admin list and delete a user\'s factors', async () => {
    const { user, client, factorId } = await userWithVerifiedFactor('admin-factors')
    const second = await verifiedFactor(client, 'Zweites')
    const admin = serviceClient().auth.admin.mfa
    const listed = await admin.listFactors({ userId: user.id })
    expect(listed.data!.factors).toEqual([expect.objectContaining({ id: factorId, status: 'verified' }), expect.objectContaining({ id: second.id, status: 'verified' })])
    expect((await admin.deleteFactor({ userId: user.id, id: factorId })).error).toBeNull()
    expect((await admin.listFactors({ userId: user.id })).data!.factors).toEqual([expect.objectContaining({ id: second.id })])
  })
})
