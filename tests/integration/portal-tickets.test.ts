// A ticket's life as client and staff see it: open_ticket, staff reply, set_ticket_status, the
// notifications each step leaves for the right people, and the same steps pushed over Realtime to
// `ticket:<id>` and `user:<id>` (database broadcasts on private channels), where outsiders cannot
// join and clients cannot send.
import type { SupabaseClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  call, clientUser, closePortal, joinRefusal, newClient, privateChannel, refusal, staffMember, unauthorizedJoin,
  within, type PortalUser,
} from '../helpers/portal.ts'
import { Inbox, subscribed, type BroadcastMessage } from '../helpers/realtime.ts'

let staff: PortalUser
let owner: PortalUser
let coUser: PortalUser
let outsider: PortalUser

beforeAll(async () => {
  staff = await staffMember('tickets-staff')
  const client = await newClient(staff, 'Mandant Tickets')
  ;[owner, coUser] = [await clientUser(staff, client, 'tickets-owner'), await clientUser(staff, client, 'tickets-co', 'member')]
  outsider = await clientUser(staff, await newClient(staff, 'Mandant Fremd'), 'tickets-outsider')
})

afterAll(closePortal)

interface Ticket { id: string, number: number, status: string, client_id: string }
interface Notification { user_id: string, kind: string, entity_id: string, data: Record<string, unknown> }

const openTicket = (subject: string) => call<Ticket>(owner.client, 'open_ticket', { subject, body: 'Bitte um Rückruf wegen der Frist.', category: 'appointments' })

async function reply(user: PortalUser, ticketId: string, body: string): Promise<void> {
  const { error } = await user.client.from('ticket_replies').insert({ ticket_id: ticketId, body })
  if (error) throw new Error(`reply: ${error.code} ${error.message}`)
}

const isReplyOf = (message: BroadcastMessage, author: PortalUser) => (message.payload.record as { author_id: string }).author_id === author.id

async function notificationKinds(client: SupabaseClient, ticketId: string): Promise<string[]> {
  const { data, error } = await client.from('notifications').select('kind').eq('entity_id', ticketId).order('created_at')
  if (error) throw error
  return data.map(row => row.kind as string)
}

describe('a ticket\'s life', () => {
  it('is opened by the client and announced to staff', async () => {
    const ticket = await openTicket('Fristverlängerung')
    expect(ticket).toMatchObject({ status: 'open', number: expect.any(Number) })
    expect(await notificationKinds(staff.client, ticket.id)).toEqual(['ticket.opened'])
    expect(await notificationKinds(owner.client, ticket.id)).toEqual([])
    const { data: replies } = await staff.client.from('ticket_replies').select('author_id, body').eq('ticket_id', ticket.id)
    expect(replies).toEqual([{ author_id: owner.id, body: 'Bitte um Rückruf wegen der Frist.' }])
  })

  it('notifies the client of a staff reply and of status changes, nobody else', async () => {
    const ticket = await openTicket('Rückfrage Vollmacht')
    await reply(staff, ticket.id, 'Wir melden uns morgen.')
    expect(await call<Ticket>(staff.client, 'set_ticket_status', { ticket_id: ticket.id, status: 'pending' })).toMatchObject({ status: 'pending' })
    expect(await notificationKinds(owner.client, ticket.id)).toEqual(['ticket.replied', 'ticket.status_changed'])
    expect(await notificationKinds(coUser.client, ticket.id)).toEqual([])
    expect(await notificationKinds(outsider.client, ticket.id)).toEqual([])

    const { data: history } = await owner.client.from('ticket_status_history').select('from_status, to_status, changed_by').eq('ticket_id', ticket.id).order('changed_at')
    expect(history).toEqual([
      { from_status: null, to_status: 'open', changed_by: owner.id },
      { from_status: 'open', to_status: 'pending', changed_by: staff.id },
    ])
  })

  it('reopens when the client answers a pending ticket, and takes no reply once closed', async () => {
    const ticket = await openTicket('Unterlagen nachgereicht')
    await call(staff.client, 'set_ticket_status', { ticket_id: ticket.id, status: 'pending' })
    await reply(owner, ticket.id, 'Anbei die Unterlagen.')
    const { data } = await owner.client.from('tickets').select('status').eq('id', ticket.id).single()
    expect(data).toEqual({ status: 'open' })
    expect(await notificationKinds(staff.client, ticket.id)).toEqual(['ticket.opened', 'ticket.replied'])

    expect(await refusal(owner.client, 'set_ticket_status', { ticket_id: ticket.id, status: 'pending' }))
      .toEqual({ status: 400, code: 'P0001', message: 'ticket_status_forbidden' })
    expect(await call<Ticket>(owner.client, 'set_ticket_status', { ticket_id: ticket.id, status: 'closed' })).toMatchObject({ status: 'closed' })
    const closed = await owner.client.from('ticket_replies').insert({ ticket_id: ticket.id, body: 'Noch etwas' })
    expect(closed.error).toMatchObject({ code: 'P0001', message: 'ticket_closed' })
    expect(closed.status).toBe(400)
  })

  it('is not found by another client', async () => {
    const ticket = await openTicket('Nur für uns')
    expect(await refusal(outsider.client, 'set_ticket_status', { ticket_id: ticket.id, status: 'closed' }))
      .toEqual({ status: 400, code: 'P0001', message: 'ticket_not_found' })
    const { error, status } = await outsider.client.from('ticket_replies').insert({ ticket_id: ticket.id, body: 'Hallo?' })
    expect(error?.code).toBe('42501')
    expect(status).toBe(403)
  })
})

describe('realtime on ticket and user channels', () => {
  it('pushes staff replies and status changes to the client on ticket:<id>, which another client may not join', async () => {
    const ticket = await openTicket('Live verfolgt')
    const refused = joinRefusal(outsider.client, `ticket:${ticket.id}`)
    const received = new Inbox<BroadcastMessage>()
    await within(subscribed((await privateChannel(owner.client, `ticket:${ticket.id}`)).on('broadcast', { event: '*' }, received.push)), 'join of the ticket channel')

    await reply(staff, ticket.id, 'Schon erledigt.')
    // The ticket's first reply (its text) may still be on its way too: wait for this one.
    const replied = await within(received.next(message => message.event === 'reply_created' && isReplyOf(message, staff)), 'reply_created')
    expect(replied.payload).toMatchObject({ operation: 'INSERT', table: 'ticket_replies', record: { ticket_id: ticket.id, body: 'Schon erledigt.', author_id: staff.id } })

    await call(staff.client, 'set_ticket_status', { ticket_id: ticket.id, status: 'resolved' })
    const changed = await within(received.next(message => message.event === 'status_changed'), 'status_changed')
    expect(changed.payload).toMatchObject({ record: { id: ticket.id, status: 'resolved' }, old_record: { status: 'open' } })
    expect(await refused).toBe(unauthorizedJoin(`ticket:${ticket.id}`))
  })

  it('delivers a user\'s notifications on user:<id>, which nobody else may join', async () => {
    const ticket = await openTicket('Benachrichtigt')
    const refused = joinRefusal(outsider.client, `user:${owner.id}`)
    const coUserRefused = joinRefusal(coUser.client, `user:${owner.id}`)
    const received = new Inbox<BroadcastMessage>()
    await within(subscribed((await privateChannel(owner.client, `user:${owner.id}`)).on('broadcast', { event: 'notification_created' }, received.push)), 'join of the user channel')

    await reply(staff, ticket.id, 'Bitte Unterlagen senden.')
    const notification = await within(received.next(message => (message.payload.record as Notification).entity_id === ticket.id), 'notification_created')
    expect(notification.payload.record).toMatchObject({ user_id: owner.id, kind: 'ticket.replied', entity_id: ticket.id })
    expect(await refused).toBe(unauthorizedJoin(`user:${owner.id}`))
    expect(await coUserRefused).toBe(unauthorizedJoin(`user:${owner.id}`))
  })

  it('drops what a client sends on ticket:<id>: only the database speaks there', async () => {
    const ticket = await openTicket('Nur lesen')
    const staffSees = new Inbox<BroadcastMessage>()
    await within(subscribed((await privateChannel(staff.client, `ticket:${ticket.id}`)).on('broadcast', { event: '*' }, staffSees.push)), 'staff join')
    const clientChannel = await within(subscribed(await privateChannel(owner.client, `ticket:${ticket.id}`, { ack: true })), 'client join')

    // Realtime drops a broadcast the sender may not write without answering, so the ack times out.
    expect(await clientChannel.send({ type: 'broadcast', event: 'status_changed', payload: { record: { status: 'closed' } } }, { timeout: 1500 })).toBe('timed out')
    await reply(owner, ticket.id, 'Nachtrag')
    await within(staffSees.next(message => message.event === 'reply_created' && (message.payload.record as { body: string }).body === 'Nachtrag'), 'reply_created')
    expect(staffSees.items.filter(message => message.event !== 'reply_created')).toEqual([])
  })
})
