// Test personas for contract and integration tests: users created directly in auth.users (as a
// migration or GoTrue would leave them) with an access token signed like GoTrue's, so Storage,
// REST, Realtime and Functions tests do not depend on the Auth endpoints. Auth's own tests sign
// in through /auth/v1 instead.
import { randomUUID } from 'node:crypto'
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { SignJWT } from 'jose'
import postgres from 'postgres'
import { testEnv } from './env.ts'

let sharedSql: postgres.Sql | undefined

/** One direct connection per test file, as the `postgres` role (fixtures, checks, clean-up). */
export function db(): postgres.Sql {
  sharedSql ??= postgres(testEnv.dbUrl, { max: 2, onnotice: () => {} })
  return sharedSql
}

export async function closeDb(): Promise<void> {
  await sharedSql?.end()
  sharedSql = undefined
}

const clientOptions = { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } }

export const anonClient = (): SupabaseClient => createClient(testEnv.supabaseUrl, testEnv.anonKey, clientOptions)
export const serviceClient = (): SupabaseClient => createClient(testEnv.supabaseUrl, testEnv.serviceRoleKey, clientOptions)

export interface Persona {
  id: string
  email: string
  sessionId: string
  accessToken: string
  /** supabase-js acting as this user (REST, Storage, Functions and Realtime carry the token). */
  client: SupabaseClient
}

/**
 * A unique address per call: test files run in parallel against one database. Labels may carry
 * umlauts ("Anwältin"); the local part keeps ASCII only, as GoTrue's address check wants.
 */
export const uniqueEmail = (label: string) =>
  `${label.normalize('NFKD').replace(/[^\w.-]/g, '')}-${randomUUID().slice(0, 8)}@test.example`

/** Signs an access token with the claims GoTrue issues (HS256 with the project's JWT secret). */
export async function signAccessToken(claims: Record<string, unknown>, expiresInSeconds = 900): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ aud: 'authenticated', role: 'authenticated', iss: `${testEnv.supabaseUrl}/auth/v1`, ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + expiresInSeconds)
    .sign(new TextEncoder().encode(testEnv.jwtSecret))
}

export async function createPersona(label: string, options: { aal?: 'aal1' | 'aal2', createdAt?: Date, expiresInSeconds?: number } = {}): Promise<Persona> {
  const id = randomUUID()
  const sessionId = randomUUID()
  const email = uniqueEmail(label)
  const aal = options.aal ?? 'aal1'
  const createdAt = options.createdAt ?? new Date()
  const sql = db()
  await sql`
    insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
      raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
      confirmation_token, recovery_token, email_change_token_new, email_change)
    values ('00000000-0000-0000-0000-000000000000', ${id}, 'authenticated', 'authenticated', ${email}, '', ${createdAt},
      ${sql.json({ provider: 'email', providers: ['email'], test_identifier: label })}, '{}', ${createdAt}, ${createdAt},
      '', '', '', '')`
  await sql`insert into auth.sessions (id, user_id, created_at, updated_at, aal) values (${sessionId}, ${id}, now(), now(), ${aal})`
  const now = Math.floor(Date.now() / 1000)
  const accessToken = await signAccessToken({
    sub: id,
    email,
    session_id: sessionId,
    aal,
    amr: aal === 'aal2' ? [{ method: 'totp', timestamp: now }, { method: 'password', timestamp: now }] : [{ method: 'password', timestamp: now }],
    is_anonymous: false,
    app_metadata: { provider: 'email', providers: ['email'], test_identifier: label },
  }, options.expiresInSeconds)
  const client = createClient(testEnv.supabaseUrl, testEnv.anonKey, { ...clientOptions, accessToken: async () => accessToken })
  return { id, email, sessionId, accessToken, client }
}
