// Portal people and places for integration tests, made directly in the database the way accepted
// invitations leave them: staff (admin or not), clients, client users. Personas sign their own
// tokens (helpers/personas.ts); users who must sign in or enrol TOTP come from helpers/auth.ts.
import { randomUUID } from 'node:crypto'
import { createPersona, db, type Persona } from './personas.ts'

/** A staff member whose session passed TOTP (aal2). */
export async function createStaff(label: string, options: { admin?: boolean } = {}): Promise<Persona> {
  const staff = await createPersona(label, { aal: 'aal2' })
  await db()`insert into public.staff (user_id, is_admin) values (${staff.id}, ${options.admin ?? false})`
  return staff
}

export async function createClientOrg(name: string): Promise<string> {
  const [client] = await db()<Array<{ id: string }>>`
    insert into public.clients (kind, name, reference_number) values ('company', ${name}, ${`IT-${randomUUID().slice(0, 8)}`})
    returning id`
  return client!.id
}

export async function addClientMember(clientId: string, userId: string, role: 'owner' | 'member' = 'member'): Promise<void> {
  await db()`insert into public.client_members (client_id, user_id, role) values (${clientId}, ${userId}, ${role})`
}

/** The outbox state of the newest mail of a template to an address (secrets reported, not shown). */
export async function outboxMail(recipient: string, template: string): Promise<{ id: string, status: string, has_secret: boolean } | undefined> {
  const [row] = await db()<Array<{ id: string, status: string, has_secret: boolean }>>`
    select id, status, data ? 'secret' as has_secret from ops.mail_outbox
     where recipient = ${recipient} and template = ${template} order by created_at desc limit 1`
  return row
}
