// Sonderseiten through supabase-js as the app uses them: staff write and publish a page for a
// group through the RPCs; each client user reads exactly its own and its groups' pages through
// REST and get_page, a client of another group is refused both ways, read state is per person,
// leaving the group hides the page at once, and the content-free mail about a new page goes to
// whoever did not open it before it was due.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { latestMail } from '../helpers/auth.ts'
import { closeDb, createPersona, db, type Persona } from '../helpers/personas.ts'
import { addClientMember, call, createClientOrg, createStaff, refusal } from '../helpers/portal.ts'

afterAll(closeDb)

interface Page { id: string, slug: string, title: string }
interface ListedPage { id: string, unread: boolean, audiences: Array<{ kind: string, name: string }> }

let staff: Persona
let builder: Persona
let carrier: Persona
let heir: Persona
let construction: { group: string, carrierClient: string }
let groupPage: Page
let heirPage: Page

const suffix = randomUUID().slice(0, 6)

async function newGroup(name: string, clientIds: string[]): Promise<string> {
  const [group] = await db()<Array<{ id: string }>>`insert into public.client_groups (name) values (${name}) returning id`
  for (const clientId of clientIds) await db()`insert into public.client_group_members (group_id, client_id) values (${group!.id}, ${clientId})`
  return group!.id
}

async function publishedPage(title: string, body: string, audience: { client_ids?: string[], group_ids?: string[] }): Promise<Page> {
  const saved = await call<Page>(staff.client, 'save_page', { page_id: randomUUID(), title, body, ...audience })
  await call(staff.client, 'set_page_published', { page_id: saved.id, published: true })
  return saved
}

const visibleTitles = async (who: Persona) =>
  ((await who.client.from('pages').select('title')).data ?? []).map(row => row.title as string).sort()

beforeAll(async () => {
  staff = await createStaff('pages-staff')
  const [builderClient, carrierClient, heirClient] = await Promise.all(
    [`Müller Bau ${suffix}`, `Nordlicht Logistik ${suffix}`, `Schmidt ${suffix}`].map(createClientOrg))
  const people = await Promise.all(['pages-builder', 'pages-carrier', 'pages-heir'].map(label => createPersona(label, { aal: 'aal2' })))
  ;[builder, carrier, heir] = people as [Persona, Persona, Persona]
  await addClientMember(builderClient!, builder.id, 'owner')
  await addClientMember(carrierClient!, carrier.id, 'owner')
  await addClientMember(heirClient!, heir.id, 'owner')
  construction = { group: await newGroup(`Bau und Logistik ${suffix}`, [builderClient!, carrierClient!]), carrierClient: carrierClient! }
  const inheritance = await newGroup(`Erbrecht ${suffix}`, [heirClient!])
  groupPage = await publishedPage(`Baustellenordnung ${suffix}`, '# Regeln\n\n[Merkblatt](https://kanzlei.example/merkblatt)', { group_ids: [construction.group] })
  heirPage = await publishedPage(`Nachlassverzeichnis ${suffix}`, 'Bitte ergänzen.', { group_ids: [inheritance] })
})

it('each client user sees its group\'s page, marked with the group, and a client of another group is refused both ways', async () => {
  expect(await visibleTitles(builder)).toEqual([groupPage.title])
  expect(await visibleTitles(carrier)).toEqual([groupPage.title])
  expect(await visibleTitles(heir)).toEqual([heirPage.title])

  const [listed] = await call<ListedPage[]>(builder.client, 'list_pages')
  expect(listed).toMatchObject({ id: groupPage.id, unread: true, audiences: [{ kind: 'group', name: `Bau und Logistik ${suffix}` }] })
  expect(await call<{ body: string }>(carrier.client, 'get_page', { slug: groupPage.slug })).toMatchObject({ id: groupPage.id, body: expect.stringContaining('Merkblatt') })

  expect(await refusal(heir.client, 'get_page', { slug: groupPage.slug })).toMatchObject({ code: 'P0001', message: 'page_not_found' })
  expect(await refusal(builder.client, 'get_page', { slug: heirPage.slug })).toMatchObject({ code: 'P0001', message: 'page_not_found' })
  expect((await heir.client.from('page_audiences').select('id').eq('page_id', groupPage.id)).data).toEqual([])
  expect(await refusal(heir.client, 'mark_page_read', { page_id: groupPage.id })).toMatchObject({ message: 'page_not_found' })
})

it('read state is per person; the mail about the page goes only to whoever had not opened it', async () => {
  await call(builder.client, 'mark_page_read', { page_id: groupPage.id })
  expect((await call<ListedPage[]>(builder.client, 'list_pages'))[0]!.unread).toBe(false)
  expect((await call<ListedPage[]>(carrier.client, 'list_pages'))[0]!.unread).toBe(true)

  // Due now rather than after the delay; pg_cron's job does the same every minute.
  await db()`update ops.notification_mails set due_at = now() where entity_type = 'page' and entity_id = ${groupPage.id}`
  await db()`select private.send_due_notification_mails()`
  const mail = await latestMail(carrier.email, 15_000)
  expect(mail.subject).toBe('Neue Seite für Sie im Mandantenportal – Kanzlei Weber & Partner')
  expect(mail.text).not.toContain('Baustellenordnung')
  expect(mail.text).not.toContain(groupPage.slug)
  expect(await db()`select 1 from ops.mail_outbox where template = 'page_published' and recipient = ${builder.email}`).toHaveLength(0)
})

it('leaving the group hides the page at once', async () => {
  await db()`delete from public.client_group_members where group_id = ${construction.group} and client_id = ${construction.carrierClient}`
  expect(await visibleTitles(carrier)).toEqual([])
  expect(await refusal(carrier.client, 'get_page', { slug: groupPage.slug })).toMatchObject({ message: 'page_not_found' })
  expect(await visibleTitles(builder)).toEqual([groupPage.title])
})
