// The steps the journeys share, done the way a person does them: fields and buttons found by
// their German labels and roles (the browser runs in de-DE), mails read from the devstack inbox.
import { readFile } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import { latestMail, strongPassword, type InboxMessage } from '../helpers/auth.ts'
import { Authenticator } from '../helpers/portal.ts'
import { testEnv } from '../helpers/env.ts'
import { appUrl } from './browser.ts'

const pathIs = (path: string) => (url: URL) => url.pathname === path

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(`${appUrl}/anmelden`)
  await page.getByLabel('E-Mail-Adresse').fill(email)
  await page.getByLabel('Passwort', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Anmelden' }).click()
}

/** Waits for the portal shell's overview page. */
export async function overview(page: Page): Promise<void> {
  await page.waitForURL(pathIs('/'))
  await page.getByRole('heading', { level: 1, name: 'Übersicht' }).waitFor()
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Abmelden', exact: true }).click()
  await page.waitForURL(pathIs('/anmelden'))
}

export async function stepUpPage(page: Page): Promise<void> {
  await page.waitForURL(pathIs('/anmelden/zweiter-faktor'))
  await page.getByRole('heading', { level: 1, name: 'Anmeldung bestätigen' }).waitFor()
}

export async function setUpPage(page: Page): Promise<void> {
  await page.waitForURL(pathIs('/sicherheit/einrichten'))
  await page.getByRole('heading', { level: 1, name: 'Zweiten Faktor einrichten' }).waitFor()
}

/** Types a code into the field labelled `label` and submits it with `button`. */
export async function enterCode(page: Page, code: string, label: string, button: string): Promise<void> {
  await page.getByLabel(label).fill(code)
  await page.getByRole('button', { name: button }).click()
}

/** The TOTP secret the set-up page shows for typing into an app (grouped in fours). */
export async function shownTotpSecret(page: Page): Promise<string> {
  const item = page.getByRole('listitem').filter({ hasText: 'Oder geben Sie diesen Schlüssel in der App ein:' })
  const text = await item.getByRole('code').textContent()
  return (text ?? '').replace(/\s/g, '')
}

/** The ids of the mails an address has received so far, to wait for the next one. */
export async function mailIds(address: string): Promise<Set<string>> {
  const response = await fetch(`${testEnv.inboxUrl}/api/messages?to=${encodeURIComponent(address)}`)
  return new Set((await response.json() as InboxMessage[]).map(mail => mail.id))
}

/** The first mail to `address` that is not among `seen`. */
export const nextMail = (address: string, seen: Set<string>) => latestMail(address, 15_000, mail => !seen.has(mail.id))

/** The six-digit code of an e-mail-factor mail (alone on its line in the text part). */
export function codeIn(mail: InboxMessage): string {
  const code = /^\s*(\d{6})\s*$/m.exec(mail.text)?.[1]
  if (!code) throw new Error(`no code in the mail "${mail.subject}"`)
  return code
}

/**
 * The mail's link into the portal (never Auth's own verify link, which a mail scanner would spend).
 * Mails carry the instance's site_url; the journeys open the link where the app is served.
 */
export function portalLink(mail: InboxMessage): string {
  const link = mail.links.find(candidate => candidate.startsWith(`${testEnv.siteUrl}/`))
  if (!link) throw new Error(`no portal link in the mail "${mail.subject}": ${mail.links.join(', ')}`)
  return `${appUrl}${link.slice(testEnv.siteUrl.length)}`
}

/** The browser session's access token, from where supabase-js keeps it (sessionStorage `portal.auth`). */
export async function browserAccessToken(page: Page): Promise<string> {
  const stored = await page.evaluate(() => sessionStorage.getItem('portal.auth'))
  const token = stored ? (JSON.parse(stored) as { access_token?: string }).access_token : undefined
  if (!token) throw new Error('no session in sessionStorage (portal.auth)')
  return token
}

/** PostgREST as the browser's session would call it, without the app: GET a path, or POST `body` (an RPC). */
export async function rest(path: string, token: string, body?: unknown): Promise<{ status: number, body: unknown }> {
  const response = await fetch(`${testEnv.supabaseUrl}/rest/v1/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'apikey': testEnv.anonKey, 'Authorization': `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, body: await response.json() }
}

/** Signs in and confirms the session with the authenticator app's next code, up to the overview. */
export async function signInWithAppCode(page: Page, email: string, password: string, app: { nextCode: () => string }): Promise<void> {
  await signIn(page, email, password)
  await stepUpPage(page)
  await enterCode(page, app.nextCode(), 'Code aus Ihrer Authenticator-App', 'Bestätigen')
  await overview(page)
}

/** A PDF of exactly `megabytes` MiB that passes the content check (a PDF's header and end, filler between). */
export function pdfOf(megabytes: number): Buffer {
  const head = Buffer.from('%PDF-1.7\n% Gutachten zum Bauzustand\n')
  const tail = Buffer.from('\n%%EOF\n')
  const body = Buffer.alloc(megabytes * 1024 * 1024 - head.byteLength - tail.byteLength, '0 0 0 RG\n')
  return Buffer.concat([head, body, tail])
}

/** Downloads a listed document with its row's button: the saved file's name and bytes. */
export async function downloadDocument(page: Page, name: string): Promise<{ fileName: string, bytes: Buffer }> {
  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: `„${name}“ herunterladen` }).click()
  const saved = await download
  return { fileName: saved.suggestedFilename(), bytes: await readFile((await saved.path())!) }
}

/** An invitee's first visit from the mail's link: a new password, an authenticator app, up to the overview. */
export async function newAccountFromInvitation(page: Page, link: string): Promise<{ password: string, app: Authenticator }> {
  await page.goto(link)
  await page.getByRole('heading', { level: 1, name: 'Willkommen im Mandantenportal' }).waitFor()
  await page.getByRole('button', { name: 'Weiter' }).click()
  const password = strongPassword()
  await page.getByLabel('Neues Passwort', { exact: true }).fill(password)
  await page.getByLabel('Neues Passwort wiederholen').fill(password)
  await page.getByRole('button', { name: 'Passwort speichern' }).click()
  await setUpPage(page)
  await page.getByRole('button', { name: 'QR-Code anzeigen' }).click()
  const app = new Authenticator('browser', await shownTotpSecret(page))
  await enterCode(page, app.nextCode(), 'Sechsstelliger Code', 'Code prüfen und aktivieren')
  await overview(page)
  return { password, app }
}

/** Chooses a record in a search picker (form/FormSearchPicker): types `text`, waits for the suggestion that starts with it and takes it. */
export async function pickFromSearch(page: Page, label: string, text: string): Promise<void> {
  const field = page.getByLabel(label, { exact: true })
  await field.fill(text)
  const listId = await field.getAttribute('list')
  const option = page.locator(`datalist[id=${JSON.stringify(listId)}] option[value^=${JSON.stringify(text)}]`).first()
  await option.waitFor({ state: 'attached' })
  await field.fill((await option.getAttribute('value'))!)
}
