// Auth's rows, read and written the way GoTrue leaves them (models/*.go): token columns '' rather
// than NULL, instance_id the nil UUID, refresh_tokens.user_id as text, amr claims per session.
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto'
import type { Sql, TransactionSql } from 'postgres'

export type Db = Sql | TransactionSql
export const nilInstance = '00000000-0000-0000-0000-000000000000'

export interface UserRow {
  id: string
  aud: string | null
  role: string | null
  email: string | null
  encrypted_password: string | null
  email_confirmed_at: Date | null
  invited_at: Date | null
  confirmation_token: string | null
  confirmation_sent_at: Date | null
  recovery_token: string | null
  recovery_sent_at: Date | null
  email_change: string | null
  email_change_token_new: string | null
  email_change_token_current: string | null
  email_change_confirm_status: number
  email_change_sent_at: Date | null
  reauthentication_token: string | null
  last_sign_in_at: Date | null
  raw_app_meta_data: Record<string, unknown> | null
  raw_user_meta_data: Record<string, unknown> | null
  created_at: Date | null
  updated_at: Date | null
  phone: string | null
  phone_confirmed_at: Date | null
  phone_change: string | null
  phone_change_sent_at: Date | null
  confirmed_at: Date | null
  reauthentication_sent_at: Date | null
  banned_until: Date | null
  deleted_at: Date | null
  is_anonymous: boolean
}

export interface IdentityRow {
  id: string
  provider_id: string
  user_id: string
  identity_data: Record<string, unknown>
  provider: string
  last_sign_in_at: Date | null
  created_at: Date | null
  updated_at: Date | null
  email: string | null
}

export interface FactorRow {
  id: string
  user_id: string
  friendly_name: string | null
  factor_type: 'totp' | 'phone' | 'webauthn'
  status: 'unverified' | 'verified'
  created_at: Date
  updated_at: Date
  secret: string | null
  phone: string | null
  last_challenged_at: Date | null
}

export interface SessionRow {
  id: string
  user_id: string
  created_at: Date
  updated_at: Date
  factor_id: string | null
  aal: 'aal1' | 'aal2' | 'aal3' | null
  not_after: Date | null
  /** Stored as UTC `timestamp without time zone`; read back as timestamptz. */
  refreshed_at: Date | null
}

export interface RefreshTokenRow {
  id: string
  token: string
  user_id: string
  revoked: boolean
  created_at: Date
  updated_at: Date
  parent: string | null
  session_id: string | null
}

export const isBanned = (user: UserRow) => user.banned_until !== null && user.banned_until.getTime() > Date.now()

export async function findUserById(db: Db, id: string): Promise<UserRow | null> {
  const [user] = await db<UserRow[]>`select * from auth.users where id = ${id}`
  return user ?? null
}

export async function findUserByEmail(db: Db, email: string, aud = 'authenticated'): Promise<UserRow | null> {
  const [user] = await db<UserRow[]>`
    select * from auth.users where instance_id = ${nilInstance} and lower(email) = lower(${email}) and aud = ${aud} and is_sso_user = false`
  return user ?? null
}

export async function identitiesOf(db: Db, userId: string): Promise<IdentityRow[]> {
  return db<IdentityRow[]>`select * from auth.identities where user_id = ${userId} order by created_at`
}

export async function factorsOf(db: Db, userId: string): Promise<FactorRow[]> {
  return db<FactorRow[]>`select * from auth.mfa_factors where user_id = ${userId} order by created_at`
}

/** A user as GoTrue's signupNewUser/adminUserCreate leave it, with its e-mail identity. */
export async function insertUser(db: Db, fields: {
  id?: string
  email: string
  encryptedPassword: string
  emailConfirmed: boolean
  userMetadata: Record<string, unknown>
  appMetadata: Record<string, unknown>
  role: string
  invited?: boolean
  bannedUntil?: Date | null
}): Promise<UserRow> {
  const id = fields.id ?? randomUUID()
  const email = fields.email.toLowerCase()
  const appMetadata = { provider: 'email', providers: ['email'], ...fields.appMetadata }
  const [user] = await db<UserRow[]>`
    insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, invited_at,
      confirmation_token, recovery_token, email_change_token_new, email_change, email_change_token_current,
      reauthentication_token, phone_change, phone_change_token, raw_app_meta_data, raw_user_meta_data,
      is_super_admin, created_at, updated_at, banned_until, is_sso_user, is_anonymous)
    values (${nilInstance}, ${id}, 'authenticated', ${fields.role}, ${email}, ${fields.encryptedPassword},
      ${fields.emailConfirmed ? db`now()` : null}, ${fields.invited ? db`now()` : null},
      '', '', '', '', '', '', '', '', ${db.json(appMetadata as never)}, ${db.json(fields.userMetadata as never)},
      false, now(), now(), ${fields.bannedUntil ?? null}, false, false)
    returning *`
  await db`
    insert into auth.identities (id, provider_id, user_id, identity_data, provider, created_at, updated_at)
    values (${randomUUID()}, ${id}, ${id},
      ${db.json({ sub: id, email, email_verified: fields.emailConfirmed, phone_verified: false })},
      'email', now(), now())`
  return user!
}

/** GoTrue's UpdateUserMetaData/UpdateAppMetaData: keys are merged, a null value removes a key. */
export function mergeMetadata(current: Record<string, unknown> | null, update: Record<string, unknown>): Record<string, unknown> {
  const merged = new Map(Object.entries(current ?? {}))
  for (const [key, value] of Object.entries(update)) {
    if (value === null) merged.delete(key)
    else merged.set(key, value)
  }
  return Object.fromEntries(merged)
}

/** GoTrue's refresh tokens: 12 characters of lowercase base32 (crypto.SecureAlphanumeric). */
export function newRefreshToken(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'
  return Array.from(randomBytes(12), byte => alphabet[byte % 32]).join('')
}

/** crypto.GenerateOtp: a zero-padded decimal code. */
export function newOtp(length: number): string {
  return String(randomInt(0, 10 ** length)).padStart(length, '0')
}

/** crypto.GenerateTokenHash: lowercase hex SHA-224 of the address followed by the code. */
export function tokenHash(emailOrPhone: string, otp: string): string {
  return createHash('sha224').update(emailOrPhone + otp).digest('hex')
}

/** auth.one_time_token_type values this twin issues; each is also a column of auth.users. */
export type OneTimeTokenType = 'confirmation_token' | 'recovery_token' | 'email_change_token_new' | 'email_change_token_current' | 'reauthentication_token'

/** models.CreateOneTimeToken: one row per user and type, naming the address the code went to. */
export async function storeOneTimeToken(db: Db, userId: string, type: OneTimeTokenType, hash: string, relatesTo: string): Promise<void> {
  await db`delete from auth.one_time_tokens where user_id = ${userId} and token_type = ${type}`
  await db`
    insert into auth.one_time_tokens (id, user_id, token_type, token_hash, relates_to, created_at, updated_at)
    values (${randomUUID()}, ${userId}, ${type}, ${hash}, ${relatesTo.toLowerCase()}, now() at time zone 'utc', now() at time zone 'utc')`
}

/** models.FindOneTimeToken: the user holding this hash as one of `types`. */
export async function findUserByToken(db: Db, hash: string, types: OneTimeTokenType[]): Promise<UserRow | null> {
  const [user] = await db<UserRow[]>`
    select u.* from auth.users u
    where u.id = (select user_id from auth.one_time_tokens where token_hash = ${hash} and token_type = any(${types}::auth.one_time_token_type[]) limit 1)
    for update`
  return user ?? null
}

/** ClearAllOneTimeTokensForUser: every confirmation, recovery, e-mail change and nonce row goes. */
export async function clearAllOneTimeTokens(db: Db, userId: string): Promise<void> {
  await db`delete from auth.one_time_tokens where user_id = ${userId}`
}

/** auth.audit_log_entries as GoTrue's NewAuditLogEntry writes them. */
export async function audit(db: Db, actor: UserRow | null, action: string, ip: string, traits?: Record<string, unknown>): Promise<void> {
  const payload: Record<string, unknown> = {
    actor_id: actor?.id ?? '',
    actor_username: actor?.email ?? '',
    actor_via_sso: false,
    action,
    log_type: auditLogTypes[action] ?? 'user',
  }
  if (traits) payload.traits = traits
  await db`
    insert into auth.audit_log_entries (instance_id, id, payload, created_at, ip_address)
    values (${nilInstance}, ${randomUUID()}, ${db.json(payload as never)}, now(), ${ip})`
}

const auditLogTypes: Record<string, string> = {
  login: 'account',
  logout: 'account',
  token_refreshed: 'token',
  token_revoked: 'token',
  user_invited: 'team',
  user_signedup: 'team',
  user_deleted: 'team',
  user_modified: 'user',
  user_recovery_requested: 'user',
  user_updated_password: 'user',
}

/** Sessions ending: with cascades their refresh tokens and amr claims go too (models.Logout*). */
export async function deleteSessions(db: Db, userId: string, scope: 'global' | 'others' | 'local', currentSessionId: string | null): Promise<void> {
  if (scope === 'global') await db`delete from auth.sessions where user_id = ${userId}`
  else if (scope === 'local') await db`delete from auth.sessions where id = ${currentSessionId}`
  else await db`delete from auth.sessions where user_id = ${userId} and id is distinct from ${currentSessionId}`
  if (scope === 'global') await db`delete from auth.refresh_tokens where instance_id = ${nilInstance} and user_id = ${userId}`
}
