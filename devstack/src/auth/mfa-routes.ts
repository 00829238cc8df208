// TOTP multi-factor authentication (internal/api/mfa.go): enrol, challenge, verify (the session
// becomes aal2 with an amr `totp` claim), unenrol, and the admin's view of a user's factors.
import { randomUUID } from 'node:crypto'
import { Secret, TOTP } from 'otpauth'
import QRCode from 'qrcode'
import { sendJson } from '../shared/http.ts'
import { type Caller, requireUser } from './authenticate.ts'
import { type AuthService, type RequestContext, stringField, uuidPattern } from './context.ts'
import { badRequest, databaseStep, forbidden, notFound, unprocessable } from './errors.ts'
import { callHook } from './hooks.ts'
import { factorJson } from './serialize.ts'
import { rateLimit } from './session-routes.ts'
import { audit, type Db, deleteSessions, type FactorRow, type RefreshTokenRow } from './store.ts'
import { aalAndAmr, addAmrClaim, mfaMethods, sessionResponse, swapRefreshToken } from './tokens.ts'

const challengeLifetimeMs = 300_000
const unverifiedFactorLifetimeMs = 300_000
const totpPeriodSeconds = 30

async function requireMfaCaller(auth: AuthService, ctx: RequestContext): Promise<Caller> {
  const caller = await requireUser(auth, ctx)
  if (caller.user.is_anonymous) throw forbidden('no_authorization', 'Anonymous users cannot use MFA')
  return caller
}

async function callerAal(auth: AuthService, caller: Caller): Promise<'aal1' | 'aal2'> {
  return caller.session ? (await aalAndAmr(auth.sql, caller.session.id)).aal : 'aal1'
}

/** The otpauth URI as pquerna/otp writes it (query keys sorted). */
function otpauthUri(issuer: string, account: string, secret: string): string {
  const query = new URLSearchParams({ algorithm: 'SHA1', digits: '6', issuer, period: String(totpPeriodSeconds), secret })
  return `otpauth://totp/${encodeURIComponent(issuer)}:${encodeURIComponent(account)}?${query.toString()}`
}

export async function enroll(auth: AuthService, ctx: RequestContext): Promise<void> {
  const caller = await requireMfaCaller(auth, ctx)
  const body = await ctx.body()
  const factorType = stringField(body, 'factor_type')
  if (factorType === 'phone') throw unprocessable('mfa_phone_enroll_not_enabled', 'MFA enroll is disabled for Phone')
  if (factorType === 'webauthn') throw unprocessable('mfa_webauthn_enroll_not_enabled', 'MFA enroll is disabled for WebAuthn')
  if (factorType !== 'totp') throw badRequest('validation_failed', 'factor_type needs to be totp, phone, or webauthn')
  if (!auth.settings.mfa.totpEnroll) throw unprocessable('mfa_totp_enroll_not_enabled', 'MFA enroll is disabled for TOTP')
  const friendlyName = stringField(body, 'friendly_name')
  const issuer = stringField(body, 'issuer') || new URL(auth.settings.siteUrl).hostname

  const factor = await auth.sql.begin(async (tx) => {
    await tx`
      delete from auth.mfa_factors where user_id = ${caller.user.id} and status = 'unverified'
        and created_at < now() - ${`${unverifiedFactorLifetimeMs / 1000} seconds`}::interval`
    const factors = await tx<FactorRow[]>`select * from auth.mfa_factors where user_id = ${caller.user.id} for update`
    const verified = factors.filter(existing => existing.status === 'verified')
    if (verified.length && await callerAal(auth, caller) !== 'aal2') throw forbidden('insufficient_aal', 'AAL2 required to enroll a new factor')
    if (factors.some(existing => (existing.friendly_name ?? '') === friendlyName)) {
      throw unprocessable('mfa_factor_name_conflict', `A factor with the friendly name "${friendlyName}" for this user already exists`)
    }
    if (factors.length >= auth.settings.mfa.maxEnrolledFactors) {
      throw unprocessable('too_many_enrolled_mfa_factors', 'Maximum number of enrolled factors reached, unenroll to continue')
    }
    if (verified.length >= auth.settings.mfa.maxVerifiedFactors) {
      throw unprocessable('too_many_enrolled_mfa_factors', 'Maximum number of verified factors reached, unenroll to continue')
    }
    const secret = new Secret({ size: 20 }).base32
    const [row] = await tx<FactorRow[]>`
      insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret)
      values (${randomUUID()}, ${caller.user.id}, ${friendlyName}, 'totp', 'unverified', now(), now(), ${secret})
      returning *`
    await audit(tx, caller.user, 'factor_in_progress', ctx.ip, { factor_id: row!.id, factor_type: 'totp' })
    return row!
  })
  const uri = otpauthUri(issuer, caller.user.email ?? '', factor.secret!)
  // supabase-js puts the SVG unencoded into a data: URI, where a '#' ends the image: colour names,
  // as GoTrue's own SVG uses, keep the QR code visible in the browser.
  const qrCode = (await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M' }))
    .replaceAll('"#ffffff"', '"white"').replaceAll('"#000000"', '"black"')
  sendJson(ctx.res, 200, { id: factor.id, type: 'totp', friendly_name: factor.friendly_name, totp: { qr_code: qrCode, secret: factor.secret, uri } })
}

async function callerFactor(auth: AuthService, caller: Caller, factorId: string): Promise<FactorRow> {
  const [factor] = uuidPattern.test(factorId)
    ? await auth.sql<FactorRow[]>`select * from auth.mfa_factors where id = ${factorId} and user_id = ${caller.user.id}`
    : []
  if (!factor) throw notFound('mfa_factor_not_found', 'Factor not found')
  return factor
}

export async function challenge(auth: AuthService, ctx: RequestContext): Promise<void> {
  const caller = await requireMfaCaller(auth, ctx)
  rateLimit(auth.limiters.factorChallenge, ctx)
  const factor = await callerFactor(auth, caller, ctx.params.factorId!)
  if (factor.factor_type !== 'totp') throw unprocessable('mfa_verification_failed', 'Only TOTP factors are supported by the devstack')
  if (!auth.settings.mfa.totpVerify) throw unprocessable('mfa_totp_verify_not_enabled', 'MFA verification is disabled for TOTP')
  const [row] = await auth.sql.begin(async (tx) => {
    await tx`update auth.mfa_factors set last_challenged_at = clock_timestamp() where id = ${factor.id}`
    return tx<Array<{ id: string, created_at: Date }>>`
      insert into auth.mfa_challenges (id, factor_id, created_at, ip_address)
      values (${randomUUID()}, ${factor.id}, now(), ${ctx.ip}) returning id, created_at`
  })
  sendJson(ctx.res, 200, { id: row!.id, type: 'totp', expires_at: Math.floor((row!.created_at.getTime() + challengeLifetimeMs) / 1000) })
}

/** ±1 time step, and never the same step twice for one factor. */
function acceptTotp(auth: AuthService, factor: FactorRow, code: string): boolean {
  const totp = new TOTP({ algorithm: 'SHA1', digits: 6, period: totpPeriodSeconds, secret: Secret.fromBase32(factor.secret ?? '') })
  const now = Date.now()
  const delta = totp.validate({ token: code, timestamp: now, window: 1 })
  if (delta === null) return false
  const step = Math.floor(now / 1000 / totpPeriodSeconds) + delta
  if (step <= (auth.usedTotpSteps.get(factor.id) ?? -1)) return false
  auth.usedTotpSteps.set(factor.id, step)
  return true
}

export async function verifyFactor(auth: AuthService, ctx: RequestContext): Promise<void> {
  const caller = await requireMfaCaller(auth, ctx)
  rateLimit(auth.limiters.factorVerify, ctx)
  const factor = await callerFactor(auth, caller, ctx.params.factorId!)
  if (!auth.settings.mfa.totpVerify) throw unprocessable('mfa_totp_verify_not_enabled', 'MFA verification is disabled for TOTP')
  const body = await ctx.body()
  const challengeId = stringField(body, 'challenge_id')
  const code = stringField(body, 'code').trim()
  const [found] = uuidPattern.test(challengeId)
    ? await auth.sql<Array<{ id: string, created_at: Date, ip_address: string }>>`
        select id, created_at, host(ip_address) as ip_address from auth.mfa_challenges where id = ${challengeId} and factor_id = ${factor.id}`
    : []
  if (!found) throw unprocessable('mfa_factor_not_found', 'MFA factor with the provided challenge ID not found')
  if (found.ip_address !== ctx.ip) throw unprocessable('mfa_ip_address_mismatch', 'Challenge and verify IP addresses mismatch. Try enrollment again.')
  if (Date.now() > found.created_at.getTime() + challengeLifetimeMs) {
    await auth.sql`delete from auth.mfa_challenges where id = ${found.id}`
    throw unprocessable('mfa_challenge_expired', `MFA challenge ${found.id} has expired, verify against another challenge or create a new factor.`)
  }
  if (!code) throw badRequest('validation_failed', 'Code needs to be non-empty')
  if (!caller.session) throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist')
  const valid = acceptTotp(auth, factor, code)

  const hook = auth.settings.hooks.mfaVerificationAttempt
  if (hook.enabled) {
    const output = await callHook(auth.sql, hook, 'mfa-verification', { factor_id: factor.id, factor_type: factor.factor_type, user_id: caller.user.id, valid }, ctx.ip)
    if (output.decision === 'reject') {
      await deleteSessions(auth.sql, caller.user.id, 'global', null)
      const message = typeof output.message === 'string' && output.message ? output.message : 'Further MFA verification attempts will be rejected.'
      throw forbidden('mfa_verification_rejected', message)
    }
  }
  if (!valid) throw unprocessable('mfa_verification_failed', 'Invalid TOTP code entered')

  const session = caller.session
  const response = await auth.sql.begin(async (tx) => {
    await tx`delete from auth.mfa_challenges where id = ${found.id}`
    if (factor.status !== 'verified') {
      await tx`update auth.mfa_factors set status = 'verified', updated_at = now() where id = ${factor.id}`
      await tx`delete from auth.mfa_factors where user_id = ${caller.user.id} and factor_type = 'totp' and status = 'unverified' and id <> ${factor.id}`
      // A first factor makes every session that lacks it worthless (InvalidateSessionsWithAALLessThan).
      await tx`
        delete from auth.sessions s where s.user_id = ${caller.user.id} and s.id <> ${session.id}
          and not exists (select 1 from auth.mfa_amr_claims c where c.session_id = s.id and c.authentication_method = any(${mfaMethods}))`
    }
    await addAmrClaim(tx, session.id, 'totp')
    await tx`update auth.sessions set aal = 'aal2', factor_id = ${factor.id}, updated_at = now() where id = ${session.id}`
    await audit(tx, caller.user, 'verification_attempted', ctx.ip, { factor_id: factor.id, factor_type: 'totp' })
    const [current] = await tx<RefreshTokenRow[]>`
      select * from auth.refresh_tokens where session_id = ${session.id} and revoked = false order by id desc limit 1 for update`
    if (!current) throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist')
    const issued = await swapRefreshToken(tx, current)
    const user = (await tx<typeof caller.user[]>`select * from auth.users where id = ${caller.user.id}`)[0]!
    return sessionResponse(auth, tx, user, session.id, issued.token, 'totp', ctx.ip)
  })
  sendJson(ctx.res, 200, response)
}

/** Sessions that were raised by this factor fall back to aal1 (Factor.DowngradeSessionsToAAL1). */
async function removeFactor(tx: Db, factor: FactorRow): Promise<void> {
  await tx`
    delete from auth.mfa_amr_claims where authentication_method = any(${mfaMethods})
      and session_id in (select id from auth.sessions where factor_id = ${factor.id})`
  await tx`update auth.sessions set aal = 'aal1', factor_id = null, updated_at = now() where factor_id = ${factor.id}`
  await tx`delete from auth.mfa_factors where id = ${factor.id}`
}

export async function unenroll(auth: AuthService, ctx: RequestContext): Promise<void> {
  const caller = await requireMfaCaller(auth, ctx)
  const factor = await callerFactor(auth, caller, ctx.params.factorId!)
  if (factor.status === 'verified' && await callerAal(auth, caller) !== 'aal2') {
    throw unprocessable('insufficient_aal', 'AAL2 required to unenroll verified factor')
  }
  await auth.sql.begin(async (tx) => {
    await removeFactor(tx, factor)
    await audit(tx, caller.user, 'factor_unenrolled', ctx.ip, { factor_id: factor.id, factor_type: factor.factor_type })
  })
  auth.usedTotpSteps.delete(factor.id)
  sendJson(ctx.res, 200, { id: factor.id })
}

export async function adminListFactors(auth: AuthService, ctx: RequestContext, userId: string): Promise<void> {
  const factors = await auth.sql<FactorRow[]>`select * from auth.mfa_factors where user_id = ${userId} order by created_at`
  sendJson(ctx.res, 200, factors.map(factorJson))
}

export async function adminDeleteFactor(auth: AuthService, ctx: RequestContext, userId: string): Promise<void> {
  const factorId = ctx.params.factorId!
  const [factor] = uuidPattern.test(factorId)
    ? await auth.sql<FactorRow[]>`select * from auth.mfa_factors where id = ${factorId} and user_id = ${userId}`
    : []
  if (!factor) throw notFound('mfa_factor_not_found', 'Factor not found')
  await databaseStep('Database error deleting factor', () => auth.sql.begin(tx => removeFactor(tx, factor)))
  auth.usedTotpSteps.delete(factor.id)
  sendJson(ctx.res, 200, factorJson(factor))
}
