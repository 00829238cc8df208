// Conversations as the chat screen uses them: start_conversation, messages over REST, the
// notifications they leave, and `conversation:<id>` on Realtime, where participants receive new and
// changed messages from the database and send typing indicators, and nobody else gets in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  anonymous, call, clientUser, closePortal, joinRefusal, newClient, privateChannel, staffMember, unauthorizedJoin, within,
  type Client, type PortalUser,
} from '../helpers/portal.ts'
import { Inbox, subscribed, type BroadcastMessage } from '../helpers/realtime.ts'

let staff: PortalUser
let client: Client
let owner: PortalUser
let participant: PortalUser
/** A user of the same client who does not take part. */
let bystander: PortalUser
let outsider: PortalUser

beforeAll(async () => {
  staff = await staffMember('chat-staff')
  client = await newClient(staff, 'Mandant Chat')
  owner = await clientUser(staff, client, 'chat-owner')
  participant = await clientUser(staff, client, 'chat-participant', 'member')
  bystander = await clientUser(staff, client, 'chat-bystander', 'member')
  outsider = await clientUser(staff, await newClient(staff, 'Mandant Fremd'), 'chat-outsider')
})

afterAll(closePortal)

interface Message { id: string, conversation_id: string, author_id: string, body: string, deleted_at: string | null }

const startThread = (subject: string) => call<string>(owner.client, 'start_conversation', {
  kind: 'thread', subject, client_id: client.id, participant_ids: [participant.id, staff.id], first_message: 'Guten Tag, eine Frage zur Akte.',
})

async function post(user: PortalUser, conversationId: string, body: string): Promise<Message> {
  const { data, error } = await user.client.from('messages').insert({ conversation_id: conversationId, body }).select().single()
  if (error) throw new Error(`post: ${error.code} ${error.message}`)
  return data as Message
}

async function bodies(user: PortalUser, conversationId: string): Promise<string[]> {
  const { data, error } = await user.client.from('messages').select('body').eq('conversation_id', conversationId).order('created_at')
  if (error) throw error
  return data.map(row => row.body as string)
}

describe('threads', () => {
  it('are read by their participants only', async () => {
    const id = await startThread('Mietvertrag')
    await post(participant, id, 'Ich schicke ihn heute.')
    const thread = ['Guten Tag, eine Frage zur Akte.', 'Ich schicke ihn heute.']
    expect(await bodies(owner, id)).toEqual(thread)
    expect(await bodies(participant, id)).toEqual(thread)
    expect(await bodies(staff, id)).toEqual(thread)
    expect(await bodies(bystander, id)).toEqual([])
    expect(await bodies(outsider, id)).toEqual([])
    const { data: participants } = await participant.client.from('conversation_participants').select('user_id').eq('conversation_id', id)
    expect(participants!.map(row => row.user_id).sort()).toEqual([owner.id, participant.id, staff.id].sort())
  })

  it('refuse a message from someone who does not take part', async () => {
    const id = await startThread('Nur Beteiligte')
    const { error, status } = await bystander.client.from('messages').insert({ conversation_id: id, body: 'Darf ich mitlesen?' })
    expect(error?.code).toBe('42501')
    expect(status).toBe(403)
  })

  it('notify the other participants of a new message', async () => {
    const id = await startThread('Benachrichtigung')
    const message = await post(participant, id, 'Neue Nachricht')
    const kinds = async (user: PortalUser) => {
      const { data } = await user.client.from('notifications').select('kind, data').eq('entity_id', id).eq('data->>message_id', message.id)
      return data!.map(row => row.kind as string)
    }
    expect(await kinds(owner)).toEqual(['message.created'])
    expect(await kinds(staff)).toEqual(['message.created'])
    expect(await kinds(participant)).toEqual([])
    expect(await kinds(bystander)).toEqual([])
  })

  it('let authors edit their own messages only', async () => {
    const id = await startThread('Korrektur')
    const message = await post(owner, id, 'Termin am Dienstag')
    const foreign = await participant.client.from('messages').update({ body: 'Termin abgesagt' }).eq('id', message.id).select()
    expect(foreign).toMatchObject({ error: null, data: [] })
    const own = await owner.client.from('messages').update({ body: 'Termin am Mittwoch' }).eq('id', message.id).select('body, edited_at').single()
    expect(own.data).toEqual({ body: 'Termin am Mittwoch', edited_at: expect.any(String) })
    expect(await bodies(participant, id)).toEqual(['Guten Tag, eine Frage zur Akte.', 'Termin am Mittwoch'])
  })

  it('are seen by all staff, who read the messages once they join', async () => {
    const colleague = await staffMember('chat-colleague')
    const id = await startThread('Vertretung')
    expect(await colleague.client.from('conversations').select('id').eq('id', id)).toMatchObject({ data: [{ id }] })
    expect(await bodies(colleague, id)).toEqual([])
    const joined = await colleague.client.from('conversation_participants').insert({ conversation_id: id, user_id: colleague.id })
    expect(joined.error).toBeNull()
    expect(await bodies(colleague, id)).toEqual(['Guten Tag, eine Frage zur Akte.'])
  })

  it('refuse participants who may not see the client', async () => {
    const { status, error } = await owner.client.rpc('start_conversation', {
      kind: 'thread', subject: 'Mit Fremden', client_id: client.id, participant_ids: [outsider.id],
    })
    expect(error).toMatchObject({ code: 'P0001', message: 'participant_not_allowed' })
    expect(status).toBe(400)
  })
})

describe('realtime on conversation:<id>', () => {
  it('delivers a new message to a subscribed participant', async () => {
    const id = await startThread('Live')
    const received = new Inbox<BroadcastMessage>()
    await within(subscribed((await privateChannel(participant.client, `conversation:${id}`)).on('broadcast', { event: 'message_created' }, received.push)), 'participant join')

    const message = await post(owner, id, 'Sind Sie online?')
    const delivered = await within(received.next(item => (item.payload.record as Message).id === message.id), 'message_created')
    expect(delivered.payload).toMatchObject({ operation: 'INSERT', table: 'messages', record: { conversation_id: id, author_id: owner.id, body: 'Sind Sie online?' } })
  })

  it('sends a deleted message again without its text', async () => {
    const id = await startThread('Zurückgezogen')
    const message = await post(owner, id, 'Versehentlich gesendet')
    const received = new Inbox<BroadcastMessage>()
    await within(subscribed((await privateChannel(participant.client, `conversation:${id}`)).on('broadcast', { event: 'message_updated' }, received.push)), 'participant join')

    const { error } = await owner.client.from('messages').update({ deleted_at: new Date().toISOString() }).eq('id', message.id)
    expect(error).toBeNull()
    const updated = await within(received.next(), 'message_updated')
    expect(updated.payload).toMatchObject({ operation: 'UPDATE', old_record: null, record: { id: message.id, body: '', deleted_at: expect.any(String) } })
    expect(JSON.stringify(updated.payload)).not.toContain('Versehentlich')
  })

  it('relays typing indicators between participants', async () => {
    const id = await startThread('Tippen')
    const typing = new Inbox<BroadcastMessage>()
    await within(subscribed((await privateChannel(owner.client, `conversation:${id}`)).on('broadcast', { event: 'typing' }, typing.push)), 'owner join')
    const channel = await within(subscribed(await privateChannel(participant.client, `conversation:${id}`, { ack: true })), 'participant join')
    expect(await channel.send({ type: 'broadcast', event: 'typing', payload: { user_id: participant.id } })).toBe('ok')
    expect((await within(typing.next(), 'typing')).payload).toEqual({ user_id: participant.id })
  })

  it('shows who is online to the participants', async () => {
    const id = await startThread('Anwesenheit')
    const topic = `conversation:${id}`
    const ownerChannel = await privateChannel(owner.client, topic, { presenceKey: owner.id })
    const joins = new Inbox<string>()
    ownerChannel.on('presence', { event: 'join' }, ({ key }) => joins.push(key))
    await within(subscribed(ownerChannel), 'owner join')
    const participantChannel = await within(subscribed(await privateChannel(participant.client, topic, { presenceKey: participant.id })), 'participant join')
    expect(await participantChannel.track({ online_at: 'now' })).toBe('ok')
    await within(joins.next(key => key === participant.id), 'presence join')
    expect(ownerChannel.presenceState()[participant.id]).toEqual([expect.objectContaining({ online_at: 'now' })])
  })

  it('refuses the joins of a co-user who does not take part, of another client and of the anonymous key', async () => {
    const id = await startThread('Vertraulich')
    const topic = `conversation:${id}`
    expect(await Promise.all([joinRefusal(bystander.client, topic), joinRefusal(outsider.client, topic), joinRefusal(anonymous(), topic)]))
      .toEqual([unauthorizedJoin(topic), unauthorizedJoin(topic), unauthorizedJoin(topic)])
  })
})
