// Journey: a guest (an outside expert in one matter) reads its own matter's thread but not a
// thread of the client's other matter: not by URL (the screen says it does not exist for it), not
// by joining its `conversation:<id>` topic over the WebSocket with the browser's own token (the
// join is refused, while the guest's own thread's topic is joined), and not through the API
// (list_messages and send_message refused, the tables answer nothing).
import { afterAll, expect, it } from 'vitest'
import { userRealtimeClient, closeRealtimeClients, refusedJoin, subscribed } from '../helpers/realtime.ts'
import { call, clientUser, closePortal, guestIn, newClient, newMatter, staffMember, unauthorizedJoin, within } from '../helpers/portal.ts'
import { accessibilityViolations } from './accessibility.ts'
import { startJourney } from './browser.ts'
import { browserAccessToken, overview, rest, signIn } from './steps.ts'

afterAll(async () => {
  await closeRealtimeClients()
  await closePortal()
})

it('a guest cannot open a thread of the client\'s other matter by URL, WebSocket or API', async () => {
  const staff = await staffMember('e2e-msg-guest-staff')
  const client = await newClient(staff, 'E2E Wohnbau KG')
  const site = await newMatter(staff, client, 'Baustelle Hafenstraße')
  const otherMatter = await newMatter(staff, client, 'Arbeitsrecht')
  const owner = await clientUser(staff, client, 'e2e-msg-guest-owner')
  const expert = await guestIn(owner, site, 'e2e-msg-guest-expert')
  const own = await call<string>(staff.client, 'start_conversation', {
    kind: 'thread', subject: 'Ortstermin Hafenstraße', matter_id: site.id, participant_ids: [owner.id, expert.id],
    first_message: 'Herr Gutachter, passt Ihnen Mittwoch um 9 Uhr?',
  })
  const hidden = await call<string>(staff.client, 'start_conversation', {
    kind: 'thread', subject: 'Abmahnung Mitarbeiter', matter_id: otherMatter.id, participant_ids: [owner.id],
    first_message: 'Vertraulich: die zweite Abmahnung liegt bei.',
  })

  const journey = await startJourney('messages-guest')
  const { page } = journey
  try {
    await signIn(page, expert.email, expert.password)
    await overview(page)
    await page.goto(new URL('/nachrichten', page.url()).href)
    const rows = page.locator('a[data-conversation-row]')
    await rows.first().waitFor()
    expect(await rows.allTextContents()).toEqual([expect.stringContaining('Ortstermin Hafenstraße')])
    await journey.screenshots('only-its-matter')

    await page.goto(new URL(`/nachrichten/${hidden}`, page.url()).href)
    await page.getByRole('heading', { level: 1, name: 'Unterhaltung nicht gefunden' }).waitFor()
    await page.getByText('Diese Unterhaltung gibt es nicht, oder Sie nehmen nicht (mehr) daran teil.').waitFor()
    expect(await page.getByText('Vertraulich').count()).toBe(0)
    await journey.screenshots('other-matter-not-found')
    expect(await accessibilityViolations(page)).toEqual([])

    // The browser's own session, straight against Realtime: its thread's topic yes, the other no.
    const token = await browserAccessToken(page)
    const realtime = await userRealtimeClient('2.0.0', () => token)
    await within(subscribed(realtime.channel(`conversation:${own}`, { config: { private: true } })), 'join of its own thread')
    const refusal = await within(refusedJoin(realtime, realtime.channel(`conversation:${hidden}`, { config: { private: true } })),
      'refusal of the other thread', 12_000)
    expect(refusal.message).toBe(unauthorizedJoin(`conversation:${hidden}`))

    // And through REST/RPC: refused by code, the tables silent.
    expect(await rest('rpc/list_messages', token, { conversation_id: own })).toMatchObject({ status: 200, body: [expect.objectContaining({ body: 'Herr Gutachter, passt Ihnen Mittwoch um 9 Uhr?' })] })
    expect(await rest('rpc/list_messages', token, { conversation_id: hidden })).toMatchObject({ status: 400, body: { message: 'conversation_not_found' } })
    expect(await rest('rpc/send_message', token, { conversation_id: hidden, message_id: crypto.randomUUID(), body: 'Hallo?' }))
      .toMatchObject({ status: 400, body: { message: 'conversation_not_found' } })
    expect(await rest(`conversations?select=id&id=eq.${hidden}`, token)).toEqual({ status: 200, body: [] })
    expect(await rest(`messages?select=body&conversation_id=eq.${hidden}`, token)).toEqual({ status: 200, body: [] })
    expect(await rest('rpc/list_conversations', token, { kind: 'thread', search: 'Abmahnung' })).toEqual({ status: 200, body: [] })
  }
  finally {
    await journey.close()
  }
}, 90_000)
