// Helpers for the Auth contract tests: users made through the admin API, clients that sign in
// through /auth/v1, and the mail inbox. Each client sends its own X-Forwarded-For address, so the
// per-IP rate limits (GoTrue keys them on the client address) count every test on its own.
import { randomBytes, randomInt, randomUUID } from 'node:crypto'
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { functionCannotStart, testEnv } from './env.ts'
import { db, serviceClient, uniqueEmail } from './personas.ts'

/** A random address of TEST-NET-2/3 (RFC 5737); TEST-NET-1 (192.0.2.0/24) is left to tests that exhaust a limit. */
export const testIp = () => `${randomInt(2) ? '198.51.100' : '203.0.113'}.${randomInt(1, 255)}`

/** A password that passes the project's rules (length ≥ 12, no composition rules). */
export const strongPassword = () => `Pw-${randomBytes(9).toString('base64url')}-${randomUUID().slice(0, 4)}`

export function authClient(ip = testIp()): SupabaseClient {
  return createClient(testEnv.supabaseUrl, testEnv.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: { headers: { 'X-Forwarded-For': ip } },
  })
}

export interface TestUser { id: string, email: string, password: string }

/** A confirmed e-mail user with a password, created by the service role. */
export async function createTestUser(label: string, metadata: Record<string, unknown> = {}): Promise<TestUser> {
  const email = uniqueEmail(label)
  const password = strongPassword()
  const { data, error } = await serviceClient().auth.admin.createUser({ email, password, email_confirm: true, user_metadata: metadata })
  if (error) throw error
  return { id: data.user.id, email, password }
}

/** A client signed in as the user (persisting its session in memory for this client). */
export async function signedInClient(user: TestUser, ip = testIp()): Promise<SupabaseClient> {
  const client = authClient(ip)
  const { error } = await client.auth.signInWithPassword({ email: user.email, password: user.password })
  if (error) throw error
  return client
}

export interface InboxMessage { id: string, from: string, to: string[], subject: string, date: string, text: string, html: string, links: string[] }

/**
 * The newest mail to `address` (that `matches`, when given), waiting up to `timeoutMs` for it to
 * arrive. A mail that waits in the outbox while the `mail` function cannot start never will: that
 * fails at once, with the cause.
 */
export async function latestMail(address: string, timeoutMs = 5000, matches?: (mail: InboxMessage) => boolean): Promise<InboxMessage> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    await failWhenOutboxIsStuck(address)
    const found = matches
      ? (await mailsTo(address)).find(matches)
      : await fetch(`${testEnv.inboxUrl}/api/messages/latest?to=${encodeURIComponent(address)}`)
          .then(async response => (response.ok ? await response.json() as InboxMessage : undefined))
    if (found) return found
    if (Date.now() > deadline) throw new Error(`no ${matches ? 'matching ' : ''}mail to ${address} within ${timeoutMs} ms`)
    await new Promise(resolveWait => setTimeout(resolveWait, 100))
  }
}

async function failWhenOutboxIsStuck(address: string): Promise<void> {
  const cause = functionCannotStart('mail')
  if (!cause) return
  const [waiting] = await db()<Array<{ count: number }>>`
    select count(*)::int as count from ops.mail_outbox where recipient = lower(${address}) and status in ('pending', 'sending')`
  if (waiting!.count > 0) throw new Error(`the mail to ${address} waits in the outbox, but the mail function cannot start: ${cause}`)
}

export async function mailsTo(address: string): Promise<InboxMessage[]> {
  const response = await fetch(`${testEnv.inboxUrl}/api/messages?to=${encodeURIComponent(address)}`)
  return await response.json() as InboxMessage[]
}

/** A raw call to /auth/v1 (for statuses supabase-js hides), with the anon apikey and API version. */
export function authFetch(path: string, init: { method?: string, token?: string, body?: unknown, ip?: string, apiVersion?: string | null, redirect?: RequestRedirect } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'apikey': testEnv.anonKey, 'X-Forwarded-For': init.ip ?? testIp() }
  if (init.apiVersion !== null) headers['X-Supabase-Api-Version'] = init.apiVersion ?? '2024-01-01'
  if (init.token) headers.Authorization = `Bearer ${init.token}`
  if (init.body !== undefined) headers['Content-Type'] = 'application/json'
  return fetch(`${testEnv.supabaseUrl}/auth/v1${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    redirect: init.redirect,
  })
}

/** Follows an Auth verify link without following its redirect: where it leads and the fragment's parameters. */
export async function followVerifyLink(link: string): Promise<{ status: number, target: string, params: URLSearchParams }> {
  const response = await fetch(link, { redirect: 'manual', headers: { 'X-Forwarded-For': testIp() } })
  const [target, fragment] = (response.headers.get('location') ?? '').split('#')
  return { status: response.status, target: target!, params: new URLSearchParams(fragment) }
}

export async function accessTokenOf(client: SupabaseClient): Promise<string> {
  const { data } = await client.auth.getSession()
  if (!data.session) throw new Error('client has no session')
  return data.session.access_token
}
