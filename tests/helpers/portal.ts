// Portal people and places for the integration tests, in two kinds:
// * built the way the app builds them (the portal-* flow tests): accounts signed in through
//   /auth/v1 (real sessions), clients, matters and pages written by staff through REST, client
//   users and guests brought in by invitation (invite_* → token from the mail → accept_invitation).
//   Only what exists before any invitation can be sent is written as `postgres`: the firm's staff
//   rows (created at install time), backdated accounts, and reading the mail outbox (service role).
// * made directly in the database the way accepted invitations leave them (createStaff,
//   createClientOrg, addClientMember), for tests about something else (mail, factor resets); their
//   personas sign their own tokens (helpers/personas.ts).
import { createHash, randomUUID } from 'node:crypto'
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js'
import { Secret, TOTP } from 'otpauth'
import { expect } from 'vitest'
import { authClient, createTestUser, latestMail, signedInClient, testIp, type TestUser } from './auth.ts'
import { closeDb, createPersona, db, type Persona } from './personas.ts'
import { refusedJoin } from './realtime.ts'

export interface PortalUser extends TestUser {
  /** supabase-js signed in as this user (its own session). */
  client: SupabaseClient
  /** The address its client sends as X-Forwarded-For. */
  ip: string
}

const signedInClients = new Set<SupabaseClient>()

/** Another session of the same account, as a second device would have. */
export async function newSession(user: TestUser, ip = testIp()): Promise<SupabaseClient> {
  const client = await signedInClient(user, ip)
  signedInClients.add(client)
  return client
}

/** A confirmed account signed in with its password; `createdDaysAgo` backdates it (grace period). */
export async function portalUser(label: string, options: { createdDaysAgo?: number } = {}): Promise<PortalUser> {
  const user = await createTestUser(label, { display_name: `${label} (Test)` })
  if (options.createdDaysAgo) await backdate(user, options.createdDaysAgo)
  const ip = testIp()
  return { ...user, ip, client: await newSession(user, ip) }
}

export async function backdate(user: TestUser, days: number): Promise<void> {
  await db()`update auth.users set created_at = now() - make_interval(days => ${days}) where id = ${user.id}`
}

/** A member of the firm; the first staff exist before anyone can invite, so the row is written as postgres. */
export async function staffMember(label: string, options: { admin?: boolean } = {}): Promise<PortalUser> {
  const user = await portalUser(label)
  await db()`insert into public.staff (user_id, is_admin) values (${user.id}, ${options.admin ?? false})`
  return user
}

/** afterAll of a portal test file: ends the realtime sockets it opened and its database connection. */
export async function closePortal(): Promise<void> {
  await Promise.all([...signedInClients].map(client => client.removeAllChannels()))
  signedInClients.clear()
  await closeDb()
}

export const uniqueName = (label: string) => `${label} ${randomUUID().slice(0, 8)}`

/** The data of a successful RPC call; a PostgREST error fails with its code and message. */
export async function call<T>(client: SupabaseClient, fn: string, args: Record<string, unknown> = {}): Promise<T> {
  const { data, error } = await client.rpc(fn, args)
  if (error) throw new Error(`${fn}: ${error.code} ${error.message} (${error.details ?? ''})`)
  return data as T
}

/** The RPC's refusal as supabase-js reports it: HTTP status, SQLSTATE and the machine-readable message. */
export async function refusal(client: SupabaseClient, fn: string, args: Record<string, unknown> = {}) {
  const { data, error, status } = await client.rpc(fn, args)
  expect(error, `${fn} should have been refused, returned ${JSON.stringify(data)}`).not.toBeNull()
  return { status, code: error!.code, message: error!.message }
}

/** Rows of a table as this client sees them through REST (fails on errors). */
export async function visibleIds(client: SupabaseClient, table: string, filter?: { column: string, values: string[] }): Promise<string[]> {
  let query = client.from(table).select('id')
  if (filter) query = query.in(filter.column, filter.values)
  const { data, error } = await query
  if (error) throw new Error(`select ${table}: ${error.code} ${error.message}`)
  return (data as Array<{ id: string }>).map(row => row.id).sort()
}

export const sorted = (ids: string[]) => [...ids].sort()

// ---------------------------------------------------------------------------------------------
// The mail outbox (service role only): where invitation tokens and e-mail codes travel
// ---------------------------------------------------------------------------------------------

/**
 * The one-time secret of the newest outbox mail matching the filter. The outbox trigger starts the
 * mail function at once, which removes `data.secret` after sending; the secret then exists only in
 * the delivered mail, so it is read from the inbox instead (`pattern`'s first group finds it in the
 * text). Mails to one address arrive in order, and a mail is in the inbox before its row is marked sent.
 */
async function outboxSecret(where: { template: string, recipient: string, invitationId?: string }, field: string, pattern: RegExp): Promise<string> {
  const [mail] = await db()<Array<{ secret: string | null, status: string }>>`
    select data -> 'secret' ->> ${field} as secret, status from ops.mail_outbox
     where template = ${where.template} and recipient = lower(${where.recipient})
       and (${where.invitationId ?? null}::text is null or data ->> 'invitation_id' = ${where.invitationId ?? null})
     order by created_at desc limit 1`
  if (!mail) throw new Error(`no ${where.template} mail to ${where.recipient} in the outbox`)
  if (mail.secret) return mail.secret
  const delivered = await latestMail(where.recipient)
  const secret = pattern.exec(delivered.text)?.[1]
  if (!secret) throw new Error(`the outbox row (${mail.status}) lost its secret and the delivered mail has none`)
  return secret
}

export const invitationToken = (recipient: string, invitationId: string, template: string) =>
  outboxSecret({ template, recipient, invitationId }, 'token', /invitation(?:=|%3D)([0-9a-f]{64})/)

export const emailCode = (recipient: string) => outboxSecret({ template: 'mfa_email_code', recipient }, 'code', /\b(\d{6})\b/)

// ---------------------------------------------------------------------------------------------
// Clients, matters and the people in them
// ---------------------------------------------------------------------------------------------

export interface Client { id: string, name: string }
export interface Matter { id: string, title: string, client_id: string }

export async function newClient(staff: PortalUser, label: string, kind: 'person' | 'company' = 'company'): Promise<Client> {
  const name = uniqueName(label)
  const { data, error } = await staff.client.from('clients')
    .insert({ kind, name, reference_number: `IT-${randomUUID().slice(0, 13)}` })
    .select('id, name').single()
  if (error) throw new Error(`create client: ${error.message}`)
  return data as Client
}

export async function newMatter(staff: PortalUser, client: Client, label: string): Promise<Matter> {
  const { data, error } = await staff.client.from('matters')
    .insert({ client_id: client.id, title: uniqueName(label) })
    .select('id, title, client_id').single()
  if (error) throw new Error(`create matter: ${error.message}`)
  return data as Matter
}

/** Invites an existing account into a client and lets it accept, as the invitation mail leads it to. */
export async function joinClient(inviter: PortalUser, client: Client, invitee: PortalUser, role: 'owner' | 'member' = 'member'): Promise<void> {
  const invitationId = await call<string>(inviter.client, 'invite_to_client', { client_id: client.id, email: invitee.email, role })
  const token = await invitationToken(invitee.email, invitationId, 'client_invitation')
  await call(invitee.client, 'accept_invitation', { token })
}

export async function clientUser(staff: PortalUser, client: Client, label: string, role: 'owner' | 'member' = 'owner'): Promise<PortalUser> {
  const user = await portalUser(label)
  await joinClient(staff, client, user, role)
  return user
}

/** A guest invited into one matter by `inviter` (a user of the matter's client, or staff). */
export async function guestIn(inviter: PortalUser, matter: Matter, label: string): Promise<PortalUser> {
  const guest = await portalUser(label)
  const invitationId = await call<string>(inviter.client, 'invite_to_matter', { matter_id: matter.id, email: guest.email })
  await call(guest.client, 'accept_invitation', { token: await invitationToken(guest.email, invitationId, 'matter_invitation') })
  return guest
}

// ---------------------------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------------------------

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

export interface UploadedDocument { id: string, path: string, bytes: Uint8Array }

/** The app's upload: prepare the row, upload to exactly that path as the user, confirm. `matter` null: an attachment upload. */
export async function uploadDocument(user: PortalUser, matter: Matter | null, fileName: string, text = `${fileName} ${randomUUID()}`): Promise<UploadedDocument> {
  const bytes = new TextEncoder().encode(text)
  const [prepared] = await call<Array<{ document_id: string, bucket: string, path: string }>>(user.client, 'create_document_upload', {
    matter_id: matter?.id ?? null, file_name: fileName, size_bytes: bytes.byteLength, mime_type: 'text/plain', sha256: sha256(bytes),
  })
  const { error } = await user.client.storage.from(prepared!.bucket).upload(prepared!.path, bytes, { contentType: 'text/plain' })
  if (error) throw new Error(`upload ${prepared!.path}: ${error.message}`)
  await call(user.client, 'complete_document_upload', { document_id: prepared!.document_id })
  await contentChecked(prepared!.document_id)
  return { id: prepared!.document_id, path: prepared!.path, bytes }
}

/**
 * Waits until verify-document has checked a finished upload (the database asks it after commit)
 * and returns the outcome: passed, or failed with its reason.
 */
export async function contentChecked(documentId: string, timeoutMs = 20_000): Promise<{ content_check: string, content_check_reason: string | null }> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const [row] = await db()<Array<{ content_check: string, content_check_reason: string | null }>>`
      select content_check, content_check_reason from public.documents where id = ${documentId}`
    if (row && row.content_check !== 'pending') return row
    if (Date.now() > deadline) throw new Error(`document ${documentId}: content check still pending after ${timeoutMs} ms`)
    await new Promise(resolveLater => setTimeout(resolveLater, 100))
  }
}

// ---------------------------------------------------------------------------------------------
// Second factors
// ---------------------------------------------------------------------------------------------

/**
 * An authenticator app holding a TOTP secret. GoTrue accepts each 30-second step only once, so a
 * second verification right after the first uses the next step (within GoTrue's ±1 step skew).
 */
export class Authenticator {
  private lastStep = -1
  private readonly totp: TOTP
  readonly factorId: string

  constructor(factorId: string, secret: string) {
    this.factorId = factorId
    this.totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 })
  }

  nextCode(): string {
    const step = Math.max(Math.floor(Date.now() / 30_000), this.lastStep + 1)
    this.lastStep = step
    return this.totp.generate({ timestamp: step * 30_000 })
  }
}

/** Enrols TOTP through auth.mfa (enroll → challenge → verify); the session becomes aal2. */
export async function enrolTotp(client: SupabaseClient): Promise<Authenticator> {
  const { data, error } = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Handy' })
  if (error) throw error
  const authenticator = new Authenticator(data.id, data.totp.secret)
  await stepUp(client, authenticator)
  return authenticator
}

/** The second step of a sign-in: challenge and verify with the next code. */
export async function stepUp(client: SupabaseClient, authenticator: Authenticator): Promise<void> {
  const challenge = await client.auth.mfa.challenge({ factorId: authenticator.factorId })
  if (challenge.error) throw challenge.error
  const verified = await client.auth.mfa.verify({ factorId: authenticator.factorId, challengeId: challenge.data.id, code: authenticator.nextCode() })
  if (verified.error) throw verified.error
}

export async function assuranceLevel(client: SupabaseClient): Promise<string | null> {
  const { data } = await client.auth.mfa.getAuthenticatorAssuranceLevel()
  return data?.currentLevel ?? null
}

// ---------------------------------------------------------------------------------------------
// Realtime
// ---------------------------------------------------------------------------------------------

/**
 * A private channel of this session. The current token is handed to Realtime first: supabase-js
 * does it on sign-in, but not after an MFA step-up.
 */
export async function privateChannel(client: SupabaseClient, topic: string, options: { ack?: boolean, presenceKey?: string } = {}): Promise<RealtimeChannel> {
  await client.realtime.setAuth()
  signedInClients.add(client)
  return client.channel(topic, {
    config: {
      private: true,
      ...(options.ack ? { broadcast: { ack: true } } : {}),
      ...(options.presenceKey ? { presence: { key: options.presenceKey } } : {}),
    },
  })
}

/** The reason Realtime gives for refusing this session's join of a private topic. */
export async function joinRefusal(client: SupabaseClient, topic: string): Promise<string> {
  const channel = await privateChannel(client, topic)
  // Realtime answers a refused join only after its channel-error back-off (5 s).
  return (await within(refusedJoin(client, channel), `refusal of ${topic}`, 12_000)).message
}

export const unauthorizedJoin = (topic: string) => `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`

/** Rejects with `what` when the promise does not settle in time (events are awaited, never slept for). */
export function within<T>(promise: Promise<T>, what: string, timeoutMs = 8_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${timeoutMs} ms`)), timeoutMs)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** A client that never signed in (the anon key only). */
export const anonymous = () => authClient()

// ---------------------------------------------------------------------------------------------
// Straight into the database, as accepted invitations leave it
// ---------------------------------------------------------------------------------------------

/** A staff member whose session passed TOTP (aal2). */
export async function createStaff(label: string, options: { admin?: boolean } = {}): Promise<Persona> {
  const staff = await createPersona(label, { aal: 'aal2' })
  await db()`insert into public.staff (user_id, is_admin) values (${staff.id}, ${options.admin ?? false})`
  return staff
}

export async function createClientOrg(name: string): Promise<string> {
  const [client] = await db()<Array<{ id: string }>>`
    insert into public.clients (kind, name, reference_number) values ('company', ${name}, ${`IT-${randomUUID().slice(0, 8)}`})
    returning id`
  return client!.id
}

export async function addClientMember(clientId: string, userId: string, role: 'owner' | 'member' = 'member'): Promise<void> {
  await db()`insert into public.client_members (client_id, user_id, role) values (${clientId}, ${userId}, ${role})`
}

/** The outbox state of the newest mail of a template to an address (secrets reported, not shown). */
export async function outboxMail(recipient: string, template: string): Promise<{ id: string, status: string, has_secret: boolean } | undefined> {
  const [row] = await db()<Array<{ id: string, status: string, has_secret: boolean }>>`
    select id, status, data ? 'secret' as has_secret from ops.mail_outbox
     where recipient = ${recipient} and template = ${template} order by created_at desc limit 1`
  return row
}
