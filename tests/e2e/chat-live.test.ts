// Journeys: the live chat in two browsers, a client and a staff member. (a) The client starts a
// chat, staff take it; each sees the other present; the client types and staff see "schreibt …"
// before the message, which then arrives live. (b) The client goes offline, writes (shown as
// pending), comes back: the message arrives exactly once on both sides and in the database.
// (c) The server fails the client's send (503): the outbox tries again with back-off, keeps the
// message pending across a reload, and delivers it once when the server answers again.
// The journeys set the firm's chat hours around the clock for their run (and restore them), so
// they do not depend on the time of day.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { call, clientUser, closePortal, newClient, staffMember, type Client, type PortalUser } from '../helpers/portal.ts'
import { accessibilityViolations } from './accessibility.ts'
import { startJourney, type Journey } from './browser.ts'
import { overview, signIn } from './steps.ts'

type Hours = Array<{ weekday: number, opens: string, closes: string }>
let admin: PortalUser
let firmHours: Hours

beforeAll(async () => {
  admin = await staffMember('e2e-chat-admin', { admin: true })
  firmHours = (await call<{ hours: Hours }>(admin.client, 'chat_availability')).hours
  const aroundTheClock = [1, 2, 3, 4, 5, 6, 7].map(weekday => ({ weekday, opens: '00:00', closes: '23:59:59.999999' }))
  await call(admin.client, 'set_chat_office_hours', { hours: aroundTheClock })
})
afterAll(async () => {
  if (firmHours?.length) await call(admin.client, 'set_chat_office_hours', { hours: firmHours })
  await closePortal()
})

interface OpenChat { id: string, staff: PortalUser, owner: PortalUser, client: Client, desk: Journey, mine: Journey }

/** The client starts the chat from /chat, staff take it from the desk; both end up on /chat/<id>, live. */
async function takenChat(label: string): Promise<OpenChat> {
  const staff = await staffMember(`${label}-staff`)
  const client = await newClient(staff, `E2E ${label} GmbH`)
  const owner = await clientUser(staff, client, `${label}-client`)
  const mine = await startJourney(`${label}-client`)
  const desk = await startJourney(`${label}-staff`)
  const page = mine.page
  await signIn(page, owner.email, owner.password)
  await overview(page)
  await page.goto(new URL('/chat', page.url()).href)
  await page.getByText('Die Kanzlei ist jetzt im Chat erreichbar.').waitFor()
  await page.getByRole('button', { name: 'Chat beginnen oder fortsetzen' }).click()
  await page.waitForURL(url => /^\/chat\/[0-9a-f-]{36}$/.test(url.pathname))
  const id = new URL(page.url()).pathname.split('/').at(-1)!
  await live(page)

  await signIn(desk.page, staff.email, staff.password)
  await overview(desk.page)
  await desk.page.goto(new URL('/chat', desk.page.url()).href)
  await desk.page.locator(`li[data-chat="${id}"]`).getByRole('button', { name: 'Übernehmen' }).click()
  await desk.page.waitForURL(url => url.pathname === `/chat/${id}`)
  await live(desk.page)
  const taken = `${label}-staff (Test) hat den Chat übernommen.`
  await desk.page.getByText(taken).waitFor()
  await page.getByText(taken).waitFor()
  return { id, staff, owner, client, desk, mine }
}

const live = (page: Page) => page.locator('[data-live-state="live"]').waitFor({ timeout: 15_000 })
const present = (page: Page, name: string) => page.getByText(`Ebenfalls hier: ${name}`).waitFor({ timeout: 15_000 })
const messageItems = (page: Page, body: string) => page.locator('li[data-message]').filter({ hasText: body })

it('shows who is here and who is typing, and the message live on the other side', async () => {
  const chat = await takenChat('e2e-chat-live')
  const { desk, mine } = chat
  try {
    // Presence: each side sees the other; the names are the participants the page read.
    await present(desk.page, 'e2e-chat-live-client (Test)')
    await present(mine.page, 'e2e-chat-live-staff (Test)')

    const body = 'Guten Tag, ich habe eine Frage zur Kündigungsfrist.'
    await mine.page.getByLabel('Antwort').pressSequentially(body.slice(0, 20), { delay: 40 })
    await desk.page.getByText('e2e-chat-live-client (Test) schreibt …').waitFor({ timeout: 10_000 })
    // The indicator comes before the message, and carries none of its text.
    expect(await messageItems(desk.page, 'Kündigungsfrist').count()).toBe(0)
    await desk.screenshots('client-typing')
    expect(await accessibilityViolations(desk.page)).toEqual([])

    await mine.page.getByLabel('Antwort').fill(body)
    await mine.page.getByRole('button', { name: 'Senden' }).click()
    await expect.poll(() => messageItems(desk.page, body).count(), { timeout: 10_000 }).toBe(1)
    // Its arrival ends the indicator at once.
    await desk.page.getByText('schreibt …').waitFor({ state: 'hidden', timeout: 3_000 })
    await mine.screenshots('message-sent')
    expect(await accessibilityViolations(mine.page)).toEqual([])
    await desk.screenshots('message-arrived')
  }
  finally {
    await mine.close()
    await desk.close()
  }
// Two browsers, three people and a chat taken: longer than a one-person journey.
}, 120_000)

it('queues a message written offline, shows it pending, and delivers it once when back online', async () => {
  const chat = await takenChat('e2e-chat-offline')
  const { desk, mine, owner, id } = chat
  try {
    await present(mine.page, 'e2e-chat-offline-staff (Test)')
    await mine.context.setOffline(true)
    await mine.page.locator('[data-live-state="offline"]').waitFor()
    const body = 'Im Zug ohne Netz geschrieben: bitte Rückruf morgen früh.'
    await mine.page.getByLabel('Antwort').fill(body)
    await mine.page.getByRole('button', { name: 'Senden' }).click()
    const pending = mine.page.locator('li[data-pending-message]').filter({ hasText: body })
    await pending.getByText('Wartet auf die Verbindung').waitFor()
    expect(await messageItems(mine.page, body).count()).toBe(0)
    // The box is free again, and the queued message survives in this tab's sessionStorage only.
    expect(await mine.page.getByLabel('Antwort').inputValue()).toBe('')
    expect(await mine.page.evaluate(key => sessionStorage.getItem(key), `portal.draft.outbox.${id}`)).toContain('Rückruf')
    expect(await mine.page.evaluate(() => Object.keys(localStorage).filter(key => localStorage.getItem(key)?.includes('Rückruf')))).toEqual([])
    await mine.screenshots('offline-pending')
    expect(await accessibilityViolations(mine.page)).toEqual([])

    await mine.context.setOffline(false)
    await expect.poll(() => messageItems(mine.page, body).count(), { timeout: 20_000 }).toBe(1)
    await expect.poll(() => pending.count()).toBe(0)
    await expect.poll(() => messageItems(desk.page, body).count(), { timeout: 10_000 }).toBe(1)
    // Reconnect and catch-up settle: still once on each side, and one row in the database.
    await live(mine.page)
    await mine.page.waitForTimeout(1500)
    expect([await messageItems(mine.page, body).count(), await messageItems(desk.page, body).count()]).toEqual([1, 1])
    const { data, error } = await owner.client.from('messages').select('id').eq('conversation_id', id).eq('body', body)
    expect(error).toBeNull()
    expect(data).toHaveLength(1)
    expect(await mine.page.evaluate(key => sessionStorage.getItem(key), `portal.draft.outbox.${id}`)).toBeNull()
    await mine.screenshots('back-online-delivered')
    await desk.screenshots('offline-message-arrived')
  }
  finally {
    await mine.close()
    await desk.close()
  }
}, 120_000)

it('retries a send the server failed (503) with back-off, keeps it pending across a reload, and delivers it once', async () => {
  const chat = await takenChat('e2e-chat-retry')
  const { desk, mine, owner, id } = chat
  const page = mine.page
  // The API answers 503 to every send_message from the client's browser, as while it restarts;
  // nothing reaches the database until the route is lifted.
  const sends: string[] = []
  const failing = (url: URL) => url.pathname === '/rest/v1/rpc/send_message'
  await mine.context.route(failing, async (route) => {
    sends.push(new Date().toISOString())
    await route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ message: 'Service Unavailable' }) })
  })
  try {
    const body = 'Während die Kanzlei-Server neu starten geschrieben: bitte um Rückruf.'
    await page.getByLabel('Antwort').fill(body)
    await page.getByRole('button', { name: 'Senden' }).click()
    const pending = page.locator('li[data-pending-message]').filter({ hasText: body })
    await pending.getByText('Wartet auf die Verbindung').waitFor()
    // Tried again by itself after 1 s (and 2 s after that): a server error is no refusal.
    await expect.poll(() => sends.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2)
    expect(await pending.getByRole('button', { name: 'Verwerfen' }).count()).toBe(0)
    await mine.screenshots('server-error-pending')

    // A reload keeps it (this tab's sessionStorage) and goes on trying.
    await page.reload()
    await live(page)
    await pending.getByText('Wartet auf die Verbindung').waitFor()
    const beforeLift = sends.length
    await expect.poll(() => sends.length, { timeout: 10_000 }).toBeGreaterThan(beforeLift)

    await mine.context.unroute(failing)
    await expect.poll(() => messageItems(page, body).count(), { timeout: 40_000 }).toBe(1)
    await expect.poll(() => pending.count()).toBe(0)
    await expect.poll(() => messageItems(desk.page, body).count(), { timeout: 10_000 }).toBe(1)
    const { data, error } = await owner.client.from('messages').select('id').eq('conversation_id', id).eq('body', body)
    expect(error).toBeNull()
    expect(data).toHaveLength(1)
    expect(await page.evaluate(key => sessionStorage.getItem(key), `portal.draft.outbox.${id}`)).toBeNull()
    await mine.screenshots('retried-delivered')
  }
  finally {
    await mine.close()
    await desk.close()
  }
}, 120_000)
