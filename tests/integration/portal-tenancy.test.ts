// Who sees what over REST, as the PWA reads it: two clients with their own matters, tickets,
// documents, pages and conversations, a guest in one matter, staff, and the anonymous key. Every
// list is compared with exactly the rows that persona should get, so both a leak and a row
// wrongly hidden fail. Internal notes stay unreadable except through read_internal_notes (audited).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { db } from '../helpers/personas.ts'
import {
  anonymous, call, clientUser, closePortal, enrolTotp, guestIn, newClient, newMatter, refusal, sorted,
  staffMember, uniqueName, uploadDocument, visibleIds, type Client, type Matter, type PortalUser,
} from '../helpers/portal.ts'

interface Tenant {
  client: Client
  owner: PortalUser
  matters: Matter[]
  tickets: string[]
  documents: string[]
  pages: string[]
  conversations: string[]
}

let staff: PortalUser
let a: Tenant
let b: Tenant
let guest: PortalUser
/** What the guest in matter A1 should see: the rows of that matter only. */
let guestView: { tickets: string[], documents: string[], conversations: string[] }
let draftPageForA: string
let groupOfA: string
let ticketWithNote: string
let internalNote: string

async function openTicket(user: PortalUser, subject: string, matter?: Matter): Promise<string> {
  const ticket = await call<{ id: string }>(user.client, 'open_ticket', { subject, body: `${subject}: bitte um Rückruf`, matter_id: matter?.id ?? null })
  return ticket.id
}

async function publishedPage(title: string, audience: { client_id: string } | { group_id: string }, published = true): Promise<string> {
  const { data, error } = await staff.client.from('pages').insert({ title: uniqueName(title), body: '# Hinweis', published }).select('id').single()
  if (error) throw error
  const added = await staff.client.from('page_audiences').insert({ page_id: data.id, ...audience })
  if (added.error) throw added.error
  return data.id as string
}

async function tenant(label: string): Promise<Tenant> {
  const client = await newClient(staff, `Mandant ${label}`)
  const owner = await clientUser(staff, client, `owner-${label}`)
  const matters = [await newMatter(staff, client, `Akte ${label}1`), await newMatter(staff, client, `Akte ${label}2`)]
  return { client, owner, matters, tickets: [], documents: [], pages: [], conversations: [] }
}

beforeAll(async () => {
  staff = await staffMember('tenancy-staff')
  await enrolTotp(staff.client)
  ;[a, b] = await Promise.all([tenant('A'), tenant('B')])
  guest = await guestIn(a.owner, a.matters[0]!, 'tenancy-guest')

  const [a1, a2] = a.matters as [Matter, Matter]
  const guestTicket = await openTicket(guest, 'Frage des Gutachters', a1)
  a.tickets.push(await openTicket(a.owner, 'Rechnung A'), await openTicket(a.owner, 'Termin A2', a2), guestTicket)
  b.tickets.push(await openTicket(b.owner, 'Rechnung B'))

  const inA1 = await uploadDocument(guest, a1, 'Gutachten.txt')
  const inA2 = await uploadDocument(a.owner, a2, 'Vollmacht A.txt')
  a.documents.push(inA1.id, inA2.id)
  b.documents.push((await uploadDocument(b.owner, b.matters[0]!, 'Vollmacht B.txt')).id)

  a.pages.push(await publishedPage('Neuigkeiten für A', { client_id: a.client.id }))
  b.pages.push(await publishedPage('Neuigkeiten für B', { client_id: b.client.id }))
  draftPageForA = await publishedPage('Entwurf für A', { client_id: a.client.id }, false)
  const group = await staff.client.from('client_groups').insert({ name: uniqueName('Branche Bau') }).select('id').single()
  if (group.error) throw group.error
  groupOfA = group.data.id as string
  const grouped = await staff.client.from('client_group_members').insert({ group_id: groupOfA, client_id: a.client.id })
  if (grouped.error) throw grouped.error
  a.pages.push(await publishedPage('Rundschreiben an die Gruppe', { group_id: groupOfA }))

  const thread = (owner: PortalUser, client: Client, subject: string, extra: Record<string, unknown> = {}) =>
    call<string>(owner.client, 'start_conversation', { kind: 'thread', subject, client_id: client.id, participant_ids: [staff.id], first_message: 'Guten Tag', ...extra })
  const guestThread = await thread(a.owner, a.client, 'Gutachten', { matter_id: a1.id, participant_ids: [staff.id, guest.id] })
  a.conversations.push(await thread(a.owner, a.client, 'Allgemeines A'), guestThread)
  b.conversations.push(await thread(b.owner, b.client, 'Allgemeines B'))
  guestView = { tickets: [guestTicket], documents: [inA1.id], conversations: [guestThread] }

  ticketWithNote = a.tickets[0]!
  internalNote = `Mandant zahlt schleppend ${uniqueName('note')}`
  const noted = await staff.client.from('ticket_internal_notes').insert({ ticket_id: ticketWithNote, body: internalNote })
  if (noted.error) throw noted.error
})

afterAll(closePortal)

const tables = ['matters', 'tickets', 'documents', 'pages', 'conversations'] as const
type Table = typeof tables[number]

function expected(tenantRows: Tenant, table: Table): string[] {
  return sorted(table === 'matters' ? tenantRows.matters.map(matter => matter.id) : tenantRows[table])
}

describe('client users see their own client only', () => {
  it.each(tables)('%s: A\'s user gets exactly A\'s rows, B\'s user exactly B\'s', async (table) => {
    expect(await visibleIds(a.owner.client, table)).toEqual(expected(a, table))
    expect(await visibleIds(b.owner.client, table)).toEqual(expected(b, table))
  })

  it('sees its own client and nobody else\'s', async () => {
    expect(await visibleIds(a.owner.client, 'clients')).toEqual([a.client.id])
    expect(await visibleIds(b.owner.client, 'clients')).toEqual([b.client.id])
  })

  it('sees its client\'s group, which the other client does not', async () => {
    expect(await visibleIds(a.owner.client, 'client_groups')).toEqual([groupOfA])
    expect(await visibleIds(b.owner.client, 'client_groups')).toEqual([])
  })

  it('sees the profiles of people it shares something with and of staff, not the other client\'s', async () => {
    const people = [a.owner.id, b.owner.id, guest.id, staff.id]
    const profiles = (user: PortalUser) => visibleIds(user.client, 'profiles', { column: 'id', values: people })
    expect(await profiles(a.owner)).toEqual(sorted([a.owner.id, guest.id, staff.id]))
    expect(await profiles(b.owner)).toEqual(sorted([b.owner.id, staff.id]))
    expect(await profiles(guest)).toEqual(sorted([a.owner.id, guest.id, staff.id]))
  })

  it('does not see unpublished pages addressed to its client', async () => {
    expect(await visibleIds(a.owner.client, 'pages')).not.toContain(draftPageForA)
    expect(await visibleIds(staff.client, 'pages', { column: 'id', values: [draftPageForA] })).toEqual([draftPageForA])
  })

  it('reads a ticket of the other client by id as nothing at all', async () => {
    const { data, error } = await b.owner.client.from('tickets').select('id, subject').eq('id', a.tickets[0]!).maybeSingle()
    expect(error).toBeNull()
    expect(data).toBeNull()
  })
})

describe('a guest sees only its matter', () => {
  it('gets matter A1 and nothing of A2 or of B', async () => {
    expect(await visibleIds(guest.client, 'matters')).toEqual([a.matters[0]!.id])
  })

  it.each(['tickets', 'documents', 'conversations'] as const)('%s: only those of its matter', async (table) => {
    expect(await visibleIds(guest.client, table)).toEqual(sorted(guestView[table]))
  })

  it('sees no client row and no page', async () => {
    expect(await visibleIds(guest.client, 'clients')).toEqual([])
    expect(await visibleIds(guest.client, 'pages')).toEqual([])
  })
})

describe('staff see every client', () => {
  it.each(tables)('%s: A\'s and B\'s rows', async (table) => {
    const all = [...expected(a, table), ...expected(b, table)]
    expect(await visibleIds(staff.client, table, { column: 'id', values: all })).toEqual(sorted(all))
  })
})

describe('the anonymous key', () => {
  it.each([...tables, 'clients', 'profiles', 'notifications'])('is refused on %s', async (table) => {
    const { data, error, status } = await anonymous().from(table).select('id')
    expect(data).toBeNull()
    expect(error?.code).toBe('42501')
    expect(status).toBe(401)
  })

  it('gets no document from Storage', async () => {
    const [path] = await db()<Array<{ storage_path: string }>>`select storage_path from public.documents where id = ${a.documents[0]!}`
    const { data, error } = await anonymous().storage.from('documents').download(path!.storage_path)
    expect(data).toBeNull()
    expect(error).toMatchObject({ status: 400 })
  })
})

describe('internal notes', () => {
  it('are never readable by client users or guests, and staff cannot select them either', async () => {
    for (const reader of [a.owner, guest, staff]) {
      const { data, error, status } = await reader.client.from('ticket_internal_notes').select('body').eq('ticket_id', ticketWithNote)
      expect(data).toBeNull()
      expect(error?.code).toBe('42501')
      expect(status).toBe(403)
    }
  })

  it('are not embedded in the ticket a client reads', async () => {
    const { error } = await a.owner.client.from('tickets').select('id, ticket_internal_notes(body)').eq('id', ticketWithNote)
    expect(error?.code).toBe('42501')
  })

  it('reach staff through read_internal_notes, which leaves an audit event', async () => {
    const notes = await call<Array<{ body: string, author_id: string }>>(staff.client, 'read_internal_notes', { ticket_id: ticketWithNote })
    expect(notes).toEqual([expect.objectContaining({ body: internalNote, author_id: staff.id })])
    const events = await db()<Array<{ actor_role: string }>>`
      select actor_role from ops.audit_events
       where action = 'ticket.internal_notes_read' and entity_id = ${ticketWithNote} and actor_id = ${staff.id}`
    expect(events).toEqual([{ actor_role: 'authenticated' }])
  })

  it('are refused to a client user through read_internal_notes', async () => {
    expect(await refusal(a.owner.client, 'read_internal_notes', { ticket_id: ticketWithNote }))
      .toEqual({ status: 400, code: 'P0001', message: 'forbidden' })
    const [{ count }] = await db()<[{ count: number }]>`
      select count(*)::int as count from ops.audit_events where action = 'ticket.internal_notes_read' and actor_id = ${a.owner.id}`
    expect(count).toBe(0)
  })
})
