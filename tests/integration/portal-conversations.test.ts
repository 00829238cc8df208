// Conversations as the message and chat screens use them: start_conversation, send_message and
// list_messages, the notifications they leave, and `conversation:<id>` on Realtime, where
// participants hear of new and changed messages (by id, never their text: the app then fetches
// them, RLS-checked at that moment) and send typing indicators, and nobody else gets in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import {
  anonymous, backdate, call, clientUser, closePortal, guestIn, joinRefusal, newClient, newMatter, privateChannel, refusal, staffMember,
  unauthorizedJoin, uploadDocument, within, type Client, type PortalUser,
} from '../helpers/portal.ts'
import { latestMail, mailsTo } from '../helpers/auth.ts'
import { testEnv } from '../helpers/env.ts'
import { db } from '../helpers/personas.ts'
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

describe('notification mails', () => {
  it('tell a participant who did not read how many messages wait, never what they say; reading first cancels it', async () => {
    const id = await startThread('Kündigung Mietvertrag')
    for (const body of ['Die Frist endet am 30. Juni.', 'Bitte unterschreiben Sie bis Freitag.']) {
      await call(participant.client, 'send_message', { conversation_id: id, message_id: randomUUID(), body })
    }
    await call(staff.client, 'mark_conversation_read', { conversation_id: id })
    // What the minute job does once the delay is over, without waiting for it.
    await db()`select private.send_due_notification_mails(now() + private.notification_mail_delay())`
    const link = `${testEnv.siteUrl}/nachrichten/${id}`
    const mail = await latestMail(owner.email, 15_000, candidate => candidate.links.includes(link))
    expect(mail.subject).toMatch(/^2 neue Nachrichten im Mandantenportal – /)
    expect(mail.text).toContain('In einer Unterhaltung gibt es 2 neue Nachrichten für Sie.')
    for (const secret of ['Kündigung', 'Mietvertrag', 'Frist', 'unterschreiben', participant.email]) {
      expect(`${mail.subject}\n${mail.text}\n${mail.html}`).not.toContain(secret)
    }
    expect((await mailsTo(staff.email)).filter(candidate => candidate.links.includes(link))).toEqual([])
    expect((await mailsTo(bystander.email)).filter(candidate => candidate.links.includes(link))).toEqual([])
  })
})

describe('realtime on conversation:<id>', () => {
  it('delivers a new message to a subscribed participant', async () => {
    const id = await startThread('Live')
    const received = new Inbox<BroadcastMessage>()
    await within(subscribed((await privateChannel(participant.client, `conversation:${id}`)).on('broadcast', { event: 'message_created' }, received.push)), 'participant join')

    const messageId = randomUUID()
    await call(owner.client, 'send_message', { conversation_id: id, message_id: messageId, body: 'Sind Sie online?' })
    const delivered = await within(received.next(item => item.payload.id === messageId), 'message_created')
    expect(delivered.payload).toMatchObject({ id: messageId, conversation_id: id, author_id: owner.id, created_at: expect.any(String), event: null })
    expect(JSON.stringify(delivered.payload)).not.toContain('online')
    const fetched = await call<Array<{ id: string, body: string }>>(participant.client, 'list_messages', { conversation_id: id, message_ids: [messageId] })
    expect(fetched.map(row => row.body)).toEqual(['Sind Sie online?'])
  })

  it('lands a message sent twice under one id once, and tells the others once', async () => {
    const id = await startThread('Doppelt')
    const received = new Inbox<BroadcastMessage>()
    await within(subscribed((await privateChannel(participant.client, `conversation:${id}`)).on('broadcast', { event: 'message_created' }, received.push)), 'participant join')
    const messageId = randomUUID()
    const send = () => call(owner.client, 'send_message', { conversation_id: id, message_id: messageId, body: 'Nur einmal' })
    await Promise.all([send(), send()])
    await within(received.next(item => item.payload.id === messageId), 'message_created')
    expect(await bodies(participant, id)).toEqual(['Guten Tag, eine Frage zur Akte.', 'Nur einmal'])
    // A third send after the broadcast: still nothing new on the topic.
    await send()
    const after = await post(owner, id, 'Danach')
    await within(received.next(item => item.payload.id === after.id), 'the following message')
    expect(received.items.filter(item => item.payload.id === messageId)).toHaveLength(1)
  })

  it('sends a deleted message again without its text', async () => {
    const id = await startThread('Zurückgezogen')
    const message = await post(owner, id, 'Versehentlich gesendet')
    const received = new Inbox<BroadcastMessage>()
    await within(subscribed((await privateChannel(participant.client, `conversation:${id}`)).on('broadcast', { event: 'message_updated' }, received.push)), 'participant join')

    const { error } = await owner.client.from('messages').update({ deleted_at: new Date().toISOString() }).eq('id', message.id)
    expect(error).toBeNull()
    const updated = await within(received.next(), 'message_updated')
    expect(updated.payload).toMatchObject({ id: message.id, conversation_id: id, deleted_at: expect.any(String) })
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

  // Side by side: each waits for Realtime's 5 s refusal.
  it.concurrent('tells a guest removed from the matter only that something happened, and refuses it the message at once', async () => {
    const matter = await newMatter(staff, client, 'Entzug')
    const guest = await guestIn(owner, matter, 'chat-removed-guest')
    const id = await call<string>(owner.client, 'start_conversation', {
      kind: 'thread', subject: 'Gutachten', matter_id: matter.id, participant_ids: [guest.id, staff.id], first_message: 'Willkommen',
    })
    const received = new Inbox<BroadcastMessage>()
    const channel = await within(subscribed((await privateChannel(guest.client, `conversation:${id}`))
      .on('broadcast', { event: 'message_created' }, received.push)), 'guest join')
    const { error } = await owner.client.from('matter_members').delete().eq('matter_id', matter.id).eq('user_id', guest.id)
    expect(error).toBeNull()

    const messageId = randomUUID()
    await call(staff.client, 'send_message', { conversation_id: id, message_id: messageId, body: 'Nur noch für die Mandantin' })
    // The open channel lasts until its next token; what arrives there names the message, no more.
    const heard = await within(received.next(item => item.payload.id === messageId), 'message_created on the old channel')
    expect(JSON.stringify(heard.payload)).not.toContain('Mandantin')
    expect(await refusal(guest.client, 'list_messages', { conversation_id: id, message_ids: [messageId] }))
      .toEqual({ status: 400, code: 'P0001', message: 'conversation_not_found' })
    await guest.client.removeChannel(channel)
    expect(await joinRefusal(guest.client, `conversation:${id}`)).toBe(unauthorizedJoin(`conversation:${id}`))
  })

  // Side by side: each waits for Realtime's 5 s refusal.
  it.concurrent('refuses the join of a participant past its grace period without a factor', async () => {
    const lapsed = await clientUser(staff, client, 'chat-lapsed', 'member')
    const id = await call<string>(owner.client, 'start_conversation', {
      kind: 'thread', subject: 'Fristablauf', client_id: client.id, participant_ids: [lapsed.id, staff.id], first_message: 'Bitte lesen',
    })
    const channel = await within(subscribed(await privateChannel(lapsed.client, `conversation:${id}`)), 'join inside the grace period')
    await lapsed.client.removeChannel(channel)
    await backdate(lapsed, 4)
    expect(await joinRefusal(lapsed.client, `conversation:${id}`)).toBe(unauthorizedJoin(`conversation:${id}`))
  })
})

describe('live chat', () => {
  it('reaches every staff member as it starts, is taken live, and ends', async () => {
    const admin = await staffMember('chat-admin', { admin: true })
    // The hours are the firm's: the test opens the chat around the clock for its run.
    const aroundTheClock = [1, 2, 3, 4, 5, 6, 7].map(weekday => ({ weekday, opens: '00:00', closes: '23:59:59.999999' }))
    await call(admin.client, 'set_chat_office_hours', { hours: aroundTheClock })
    const desk = new Inbox<BroadcastMessage>()
    await within(subscribed((await privateChannel(staff.client, `user:${staff.id}`)).on('broadcast', { event: 'chat_activity' }, desk.push)), 'staff user topic')

    const chatId = await call<string>(owner.client, 'start_or_resume_chat', { client_id: client.id })
    expect((await within(desk.next(item => item.payload.conversation_id === chatId), 'chat_activity')).payload).toMatchObject({ kind: 'waiting' })
    expect(await call<string>(owner.client, 'start_or_resume_chat', { client_id: client.id })).toBe(chatId)
    const chat = new Inbox<BroadcastMessage>()
    await within(subscribed((await privateChannel(owner.client, `conversation:${chatId}`)).on('broadcast', { event: 'message_created' }, chat.push)), 'client join')

    await call(staff.client, 'take_chat', { conversation_id: chatId })
    const taken = await within(chat.next(item => item.payload.event === 'chat_taken'), 'chat_taken')
    expect(taken.payload).toMatchObject({ author_id: staff.id })
    expect(await refusal(owner.client, 'take_chat', { conversation_id: chatId })).toEqual({ status: 400, code: 'P0001', message: 'forbidden' })
    await call(owner.client, 'close_chat', { conversation_id: chatId })
    expect(await refusal(owner.client, 'send_message', { conversation_id: chatId, message_id: randomUUID(), body: 'Noch da?' }))
      .toEqual({ status: 400, code: 'P0001', message: 'chat_closed' })
    expect(await call<string>(owner.client, 'start_or_resume_chat', { client_id: client.id })).not.toBe(chatId)
  })
})

describe('attachments', () => {
  interface Attachment { id: string, name: string, mime_type: string, size_bytes: number }
  interface Download { bucket: string, path: string, file_name: string }

  /** The app's download: ask the database (audited), then fetch the object through a signed URL as the user. */
  async function downloaded(user: PortalUser, documentId: string): Promise<string> {
    const [ticket] = await call<Download[]>(user.client, 'document_download_url', { document_id: documentId })
    const { data, error } = await user.client.storage.from(ticket!.bucket).createSignedUrl(ticket!.path, 60)
    if (error) throw error
    return await (await fetch(data.signedUrl)).text()
  }

  it('go with their message to exactly the participants who still have access', async () => {
    const matter = await newMatter(staff, client, 'Akte Anlagen')
    const otherMatter = await newMatter(staff, client, 'Akte Nebenbei')
    const guest = await guestIn(staff, matter, 'chat-attachment-guest')
    const otherGuest = await guestIn(staff, otherMatter, 'chat-attachment-other-guest')
    const threadId = await call<string>(staff.client, 'start_conversation', {
      kind: 'thread', subject: 'Gutachten', client_id: client.id, matter_id: matter.id, participant_ids: [owner.id, guest.id],
    })
    const file = await uploadDocument(staff, null, 'Gutachten.txt', 'Das Gutachten im Wortlaut.')
    const messageId = randomUUID()
    const sent = { conversation_id: threadId, message_id: messageId, body: 'Anbei das Gutachten.', attachment_ids: [file.id] }
    await call(staff.client, 'send_message', sent)
    await call(staff.client, 'send_message', sent)

    const [message] = await call<Array<{ id: string, attachments: Attachment[] }>>(owner.client, 'list_messages', { conversation_id: threadId, message_ids: [messageId] })
    expect(message!.attachments).toEqual([{ id: file.id, name: 'Gutachten.txt', mime_type: 'text/plain', size_bytes: file.bytes.byteLength }])
    expect(await downloaded(owner, file.id)).toBe('Das Gutachten im Wortlaut.')
    expect(await downloaded(guest, file.id)).toBe('Das Gutachten im Wortlaut.')
    const audited = await db()`select actor_id from ops.audit_events where action = 'document.downloaded' and entity_id = ${file.id} order by id`
    expect(audited.map(row => row.actor_id)).toEqual([owner.id, guest.id])

    for (const refused of [bystander, outsider, otherGuest]) {
      expect(await refusal(refused.client, 'document_download_url', { document_id: file.id }))
        .toEqual({ status: 400, code: 'P0001', message: 'document_not_found' })
      expect((await refused.client.storage.from('documents').createSignedUrl(file.path, 60)).error).not.toBeNull()
      expect((await refused.client.from('documents').select('id').eq('id', file.id)).data).toEqual([])
    }

    await db()`delete from public.conversation_participants where conversation_id = ${threadId} and user_id = ${guest.id}`
    expect(await refusal(guest.client, 'document_download_url', { document_id: file.id }))
      .toEqual({ status: 400, code: 'P0001', message: 'document_not_found' })
    expect((await guest.client.storage.from('documents').createSignedUrl(file.path, 60)).error).not.toBeNull()
  })

  it('refuse someone else\'s upload and send nothing', async () => {
    const threadId = await startThread('Fremde Datei')
    const file = await uploadDocument(participant, null, 'Notiz.txt')
    expect(await refusal(owner.client, 'send_message', { conversation_id: threadId, message_id: randomUUID(), body: 'Hier', attachment_ids: [file.id] }))
      .toEqual({ status: 400, code: 'P0001', message: 'attachment_not_found' })
    expect(await bodies(owner, threadId)).toEqual(['Guten Tag, eine Frage zur Akte.'])
  })
})
