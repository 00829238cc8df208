// The helpdesk over HTTP as the ticket pages use it: opening idempotently (also two calls at once),
// attachments through Storage and the document RPCs, the staff queue and search through
// list_tickets, internal notes that reach staff live and never a client's channel, and the
// content-free notification mail that someone who is looking at the ticket never gets.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { latestMail, mailsTo } from '../helpers/auth.ts'
import { testEnv } from '../helpers/env.ts'
import { db } from '../helpers/personas.ts'
import {
  call, clientUser, closePortal, guestIn, newClient, newMatter, privateChannel, refusal, sha256, staffMember, uploadDocument, within,
  type Client, type Matter, type PortalUser,
} from '../helpers/portal.ts'
import { Inbox, subscribed, type BroadcastMessage } from '../helpers/realtime.ts'

let staff: PortalUser
let client: Client
let owner: PortalUser
let colleague: PortalUser
let guest: PortalUser
let outsider: PortalUser
let matter: Matter

beforeAll(async () => {
  staff = await staffMember('desk-staff')
  client = await newClient(staff, 'Mandant Helpdesk')
  matter = await newMatter(staff, client, 'Akte Helpdesk')
  owner = await clientUser(staff, client, 'desk-owner')
  colleague = await clientUser(staff, client, 'desk-colleague', 'member')
  guest = await guestIn(owner, matter, 'desk-guest')
  outsider = await clientUser(staff, await newClient(staff, 'Mandant Nebenan'), 'desk-outsider')
})

afterAll(closePortal)

interface Ticket { id: string, number: number, status: string }
interface ListRow { id: string, number: number, subject: string, unread: boolean, last_activity_at: string }

const open = (user: PortalUser, args: Record<string, unknown>) => call<Ticket>(user.client, 'open_ticket', { body: 'Bitte um Rückmeldung.', ...args })
const list = (user: PortalUser, args: Record<string, unknown> = {}) => call<ListRow[]>(user.client, 'list_tickets', args)

describe('opening', () => {
  it('with one idempotency key opens one ticket, even for two calls at the same moment', async () => {
    const key = randomUUID()
    const subject = `Doppelklick ${key.slice(0, 8)}`
    const [first, second] = await Promise.all([open(owner, { subject, idempotency_key: key }), open(owner, { subject, idempotency_key: key })])
    expect(second.id).toBe(first.id)
    expect((await list(staff, { search: subject })).map(row => row.id)).toEqual([first.id])
  })

  it('carries its attachments through Storage; the ticket\'s readers download them (audited), others are refused at the RPC and in Storage', async () => {
    const upload = await uploadDocument(owner, null, 'Mängelliste.txt', 'Riss in der Bodenplatte, Achse B')
    const ticket = await open(owner, { subject: 'Mängel mit Liste', attachment_ids: [upload.id] })
    const [attached] = await call<Array<{ bucket: string, path: string, file_name: string }>>(staff.client, 'document_download_url', { document_id: upload.id })
    const { data: signed } = await staff.client.storage.from(attached!.bucket).createSignedUrl(attached!.path, 60)
    const bytes = new Uint8Array(await (await fetch(signed!.signedUrl)).arrayBuffer())
    expect(sha256(bytes)).toBe(sha256(upload.bytes))
    expect(attached!.file_name).toBe('Mängelliste.txt')
    const [audit] = await db()<Array<{ ticket_id: string }>>`
      select details ->> 'ticket_id' as ticket_id from ops.audit_events
       where action = 'document.downloaded' and entity_id = ${upload.id} and actor_id = ${staff.id}`
    expect(audit).toEqual({ ticket_id: ticket.id })

    expect(await refusal(outsider.client, 'document_download_url', { document_id: upload.id })).toMatchObject({ message: 'document_not_found' })
    const { error } = await outsider.client.storage.from('documents').download(upload.path)
    expect(error).not.toBeNull()
  })

  it('refuses an attachment over the limit before anything is stored', async () => {
    expect(await refusal(owner.client, 'create_document_upload', {
      matter_id: null, file_name: 'Scan.pdf', size_bytes: 26 * 1024 * 1024, mime_type: 'application/pdf', sha256: 'ab'.repeat(32),
    })).toEqual({ status: 400, code: 'P0001', message: 'document_too_large' })
    const [limits] = await call<Array<{ purpose: string, max_bytes: number }>>(owner.client, 'upload_limits')
    expect(limits).toMatchObject({ purpose: 'attachment', max_bytes: 25 * 1024 * 1024 })
  })
})

describe('the staff queue', () => {
  it('filters by status and assignee, pages by keyset and searches German words, for staff across clients and for clients only in their own', async () => {
    const tag = randomUUID().slice(0, 6)
    const opened = []
    for (const word of ['Mietminderung', 'Nebenkostenabrechnung', 'Kündigungsfrist']) opened.push(await open(owner, { subject: `${word} ${tag}` }))
    await staff.client.from('tickets').update({ assignee_id: staff.id }).eq('id', opened[1]!.id)
    await call(staff.client, 'set_ticket_status', { ticket_id: opened[1]!.id, status: 'pending' })

    const mine = await list(staff, { filter_assignee: staff.id, filter_statuses: ['pending'], search: tag })
    expect(mine.map(row => row.id)).toEqual([opened[1]!.id])
    const firstPage = await list(staff, { search: tag, max_rows: 2 })
    const last = firstPage.at(-1)!
    const secondPage = await list(staff, { search: tag, max_rows: 2, after_activity_at: last.last_activity_at, after_id: last.id })
    expect([...firstPage, ...secondPage].map(row => row.id).sort()).toEqual(opened.map(ticket => ticket.id).sort())

    expect((await list(staff, { search: `Kündigungsfristen ${tag}` })).map(row => row.id)).toEqual([opened[2]!.id])
    expect(await list(outsider, { search: tag })).toEqual([])
    const counts = await call<Record<string, number>>(staff.client, 'ticket_status_counts', { search: tag })
    expect(counts).toEqual({ open: 2, pending: 1, resolved: 0, closed: 0 })
  })

  it('lets a guest list and find only its matter\'s tickets', async () => {
    const inMatter = await open(guest, { subject: 'Gutachten Termin', matter_id: matter.id })
    const clientWide = await open(owner, { subject: 'Gutachten Rechnung' })
    const found = (await list(guest, { search: 'Gutachten' })).map(row => row.id)
    expect(found).toContain(inMatter.id)
    expect(found).not.toContain(clientWide.id)
    const { data } = await guest.client.from('tickets').select('id').eq('id', clientWide.id)
    expect(data).toEqual([])
  })
})

describe('live, through the existing private topics', () => {
  it('tells staff of an internal note on their own topic and never sends anything about it to a client\'s channels', async () => {
    const ticket = await open(owner, { subject: 'Vertraulich intern' })
    const staffHears = new Inbox<BroadcastMessage>()
    const ownerHears = new Inbox<BroadcastMessage>()
    await within(subscribed((await privateChannel(staff.client, `user:${staff.id}`)).on('broadcast', { event: '*' }, staffHears.push)), 'staff topic')
    await within(subscribed((await privateChannel(owner.client, `user:${owner.id}`)).on('broadcast', { event: '*' }, ownerHears.push)), 'owner topic')
    await within(subscribed((await privateChannel(owner.client, `ticket:${ticket.id}`)).on('broadcast', { event: '*' }, ownerHears.push)), 'ticket topic')

    const secret = `Gegenseite zahlt nicht ${randomUUID().slice(0, 6)}`
    await call(staff.client, 'add_internal_note', { ticket_id: ticket.id, body: secret })
    const note = await within(staffHears.next(message => message.event === 'ticket_activity' && message.payload.kind === 'note'), 'note activity')
    expect(note.payload).toMatchObject({ ticket_id: ticket.id, number: ticket.number })
    expect(JSON.stringify(note.payload)).not.toContain(secret)

    // A reply afterwards arrives on both client channels; by then the note would have too.
    await call(staff.client, 'reply_to_ticket', { ticket_id: ticket.id, body: 'Wir melden uns.' })
    await within(ownerHears.next(message => message.event === 'reply_created'), 'reply on the ticket topic')
    await within(ownerHears.next(message => message.event === 'ticket_activity' && message.payload.kind === 'reply'), 'reply on the user topic')
    expect(ownerHears.items.filter(message => message.payload.kind === 'note' || JSON.stringify(message.payload).includes(secret))).toEqual([])
  })
})

describe('notification mails', () => {
  /** What the minute job does once the delay is over, without waiting for it. */
  const sendDueMails = () => db()`select private.send_due_notification_mails(now() + private.notification_mail_delay())`

  it('tell the requester that there is news and link to the ticket, never what it is', async () => {
    const ticket = await open(owner, { subject: 'Streitwert Bauvertrag' })
    await call(staff.client, 'reply_to_ticket', { ticket_id: ticket.id, body: 'Der Streitwert beträgt 48.000 Euro.' })
    await call(staff.client, 'set_ticket_status', { ticket_id: ticket.id, status: 'pending' })
    await sendDueMails()
    // Earlier tests here left news on other tickets of this owner, sent by the same run.
    const mail = await latestMail(owner.email, 15_000, candidate => candidate.subject.includes(`#${ticket.number} `))
    expect(mail.subject).toMatch(new RegExp(`^Neuigkeiten zu Ticket #${ticket.number} – `))
    expect(mail.text).toContain(`Im Ticket #${ticket.number} gibt es eine neue Antwort.`)
    expect(mail.text).toContain('wartet auf Ihre Antwort')
    expect(mail.links).toContain(`${testEnv.siteUrl}/tickets/${ticket.number}`)
    for (const secret of ['Streitwert', '48.000', 'Bauvertrag']) expect(`${mail.subject}\n${mail.text}\n${mail.html}`).not.toContain(secret)
    expect((await mailsTo(colleague.email)).filter(candidate => candidate.subject.includes(`#${ticket.number}`))).toEqual([])
  })

  it('are not sent to someone who saw the change in the portal first', async () => {
    const ticket = await open(owner, { subject: 'Gerade offen' })
    await call(staff.client, 'reply_to_ticket', { ticket_id: ticket.id, body: 'Sehen Sie das live?' })
    await call(owner.client, 'mark_ticket_seen', { ticket_id: ticket.id })
    await sendDueMails()
    const [waiting] = await db()<Array<{ queued: number }>>`
      select (select count(*)::int from ops.notification_mails where entity_id = ${ticket.id})
           + (select count(*)::int from ops.mail_outbox where template = 'ticket_activity' and (data ->> 'number')::bigint = ${ticket.number}) as queued`
    expect(waiting).toEqual({ queued: 0 })
  })
})
