// Invitations end to end: staff invite through the `invite` edge function (as themselves, so the
// database decides), the outbox trigger starts the `mail` function, which creates the account
// through GoTrue's admin API without GoTrue mailing, and sends one bilingual-capable mail with the
// firm's name. Its link goes to the app's set-password page with GoTrue's token hash (never to
// GoTrue's /verify, which a mail scanner would use up); the app verifies the hash on submit, as
// here, and goes on to the accept page, where `accept_invitation` makes the invitee a member.
// Callers the database refuses get its code.
import { FunctionsHttpError } from '@supabase/supabase-js'
import { afterAll, describe, expect, it } from 'vitest'
import { authClient, createTestUser, latestMail, mailsTo, signedInClient } from '../helpers/auth.ts'
import { testEnv } from '../helpers/env.ts'
import { closeDb, createPersona, db, uniqueEmail } from '../helpers/personas.ts'
import { addClientMember, createClientOrg, createStaff, outboxMail } from '../helpers/portal.ts'
import { waitFor } from '../helpers/wait.ts'

afterAll(closeDb)

const firm = 'Kanzlei Weber & Partner'
const acceptPath = /^\/einladung\/annehmen\?invitation=[0-9a-f]{64}$/
const acceptPage = new RegExp(`^${testEnv.siteUrl.replace(/[.:/]/g, '\\$&')}${acceptPath.source.slice(1)}`)

async function refusal(error: unknown): Promise<{ status: number, body: unknown }> {
  expect(error).toBeInstanceOf(FunctionsHttpError)
  const response = (error as FunctionsHttpError).context as Response
  return { status: response.status, body: await response.json() }
}

describe.skipIf(!testEnv.isDevstack)('invitations', () => {
  it('staff invite a new client user: one German mail, its token hash signs in, accept_invitation makes a member', async () => {
    const staff = await createStaff('inviting-staff')
    const clientId = await createClientOrg('Integration Bau GmbH')
    const email = uniqueEmail('new-client-user')

    const { data, error } = await staff.client.functions.invoke('invite', {
      body: { kind: 'client', client_id: clientId, email, display_name: 'Nina Neu' },
    })
    expect(error).toBeNull()
    expect(data).toEqual({ invitation_id: expect.any(String), kind: 'client' })

    const mail = await latestMail(email, 15_000)
    expect(mail.subject).toBe(`Einladung in das Mandantenportal – ${firm}`)
    expect(mail.from).toContain(firm)
    expect(mail.text).toMatch(/^Guten Tag Nina Neu,/)
    expect(mail.text).toContain('für Integration Bau GmbH')
    expect(mail.html).toContain('Kanzlei Weber &amp; Partner')
    expect(mail.links.some(candidate => candidate.includes('/auth/v1/verify'))).toBe(false)
    const link = new URL(mail.links.find(candidate => candidate.startsWith(`${testEnv.siteUrl}/passwort-setzen?`))!)
    expect(link.searchParams.get('type')).toBe('invite')
    const next = link.searchParams.get('weiter')!
    expect(next).toMatch(acceptPath)

    const invitee = authClient()
    const verified = await invitee.auth.verifyOtp({ token_hash: link.searchParams.get('token_hash')!, type: 'invite' })
    expect(verified.error).toBeNull()
    expect(verified.data.user!.email).toBe(email)
    const token = new URL(next, testEnv.siteUrl).searchParams.get('invitation')
    const accepted = await invitee.rpc('accept_invitation', { token })
    expect(accepted.error).toBeNull()
    expect(accepted.data).toMatchObject({ invitation_id: data.invitation_id, kind: 'client', client_id: clientId })

    const [member] = await db()`
      select cm.role, p.display_name, p.locale from public.client_members as cm join public.profiles as p on p.id = cm.user_id
       where cm.client_id = ${clientId}`
    expect(member).toEqual({ role: 'member', display_name: 'Nina Neu', locale: 'de' })
    expect(await waitFor(async () => (await outboxMail(email, 'client_invitation'))?.status === 'sent' || undefined, 5_000)).toBe(true)
    expect(await mailsTo(email)).toHaveLength(1)
    expect((await outboxMail(email, 'client_invitation'))?.has_secret).toBe(false)
  })

  it('an invitation in English for an en locale; an existing account gets the accept page directly', async () => {
    const staff = await createStaff('inviting-staff-en')
    const clientId = await createClientOrg('Nordic Integration AS')
    const email = uniqueEmail('new-english-user')
    expect((await staff.client.functions.invoke('invite', { body: { kind: 'client', client_id: clientId, email, role: 'owner', locale: 'en' } })).error).toBeNull()
    const english = await latestMail(email, 15_000)
    expect(english.subject).toBe(`Invitation to the client portal – ${firm}`)
    expect(english.text).toMatch(/^Hello,\n\n.+ has invited you to use the client portal for Nordic Integration AS\./)
    expect(english.text).toContain('Accept the invitation and set your password')

    const existing = await createTestUser('existing-invitee')
    expect((await staff.client.functions.invoke('invite', { body: { kind: 'client', client_id: clientId, email: existing.email } })).error).toBeNull()
    const mail = await latestMail(existing.email, 15_000)
    expect(mail.links.some(candidate => candidate.includes('/auth/v1/verify'))).toBe(false)
    const accept = mail.links.find(candidate => acceptPage.test(candidate))!
    const signedIn = await signedInClient(existing)
    const accepted = await signedIn.rpc('accept_invitation', { token: new URL(accept).searchParams.get('invitation') })
    expect(accepted.error).toBeNull()
    expect(accepted.data).toMatchObject({ kind: 'client', client_id: clientId })
  })

  it('a second invitation to an address that never used the first: only the new mail’s link and invitation work', async () => {
    const staff = await createStaff('re-inviting-staff')
    const clientId = await createClientOrg('Zweite Einladung GmbH')
    const email = uniqueEmail('late-invitee')
    const invite = () => staff.client.functions.invoke('invite', { body: { kind: 'client', client_id: clientId, email } })
    const linkOf = (mail: { links: string[] }) => new URL(mail.links.find(candidate => candidate.startsWith(`${testEnv.siteUrl}/passwort-setzen?`))!)

    expect((await invite()).error).toBeNull()
    const first = linkOf(await latestMail(email, 15_000))
    expect((await invite()).error).toBeNull()
    const second = linkOf(await latestMail(email, 15_000, mail => linkOf(mail).href !== first.href))

    // The account is still unconfirmed, so Auth issues a new set-password token and voids the old one.
    const stale = await authClient().auth.verifyOtp({ token_hash: first.searchParams.get('token_hash')!, type: 'invite' })
    expect(stale.error?.code).toBe('otp_expired')
    const invitee = authClient()
    expect((await invitee.auth.verifyOtp({ token_hash: second.searchParams.get('token_hash')!, type: 'invite' })).error).toBeNull()
    const tokenOf = (link: URL) => new URL(link.searchParams.get('weiter')!, testEnv.siteUrl).searchParams.get('invitation')
    expect((await invitee.rpc('accept_invitation', { token: tokenOf(first) })).error?.message).toBe('invitation_revoked')
    expect((await invitee.rpc('accept_invitation', { token: tokenOf(second) })).error).toBeNull()
  })

  it('the database refuses callers who may not invite: no invitation, no mail', async () => {
    const clientId = await createClientOrg('Refusing Integration KG')
    const member = await createPersona('plain-client-member')
    await addClientMember(clientId, member.id, 'member')
    const staff = await createStaff('not-an-admin')
    const email = uniqueEmail('never-invited')

    const asMember = await member.client.functions.invoke('invite', { body: { kind: 'client', client_id: clientId, email, role: 'owner' } })
    expect(await refusal(asMember.error)).toEqual({ status: 403, body: { code: 'forbidden', message: 'Staff invite owners and members; client owners invite members.' } })
    const staffAsMember = await member.client.functions.invoke('invite', { body: { kind: 'staff', email } })
    expect(await refusal(staffAsMember.error)).toMatchObject({ status: 403, body: { code: 'forbidden' } })
    const staffByEmployee = await staff.client.functions.invoke('invite', { body: { kind: 'staff', email } })
    expect(await refusal(staffByEmployee.error)).toEqual({ status: 403, body: { code: 'forbidden', message: 'Only admins invite staff.' } })
    const elsewhere = await member.client.functions.invoke('invite', { body: { kind: 'client', client_id: await createClientOrg('Other KG'), email } })
    expect(await refusal(elsewhere.error)).toMatchObject({ status: 404, body: { code: 'client_not_found' } })

    expect(await db()`select id from public.invitations where email = ${email}`).toHaveLength(0)
    expect(await db()`select id from ops.mail_outbox where recipient = ${email}`).toHaveLength(0)
    const admin = await createStaff('admin-inviting-staff', { admin: true })
    const allowed = await admin.client.functions.invoke('invite', { body: { kind: 'staff', email } })
    expect(allowed.error).toBeNull()
  })

  it('anonymous callers are refused before the database', async () => {
    const { error } = await authClient().functions.invoke('invite', { body: { kind: 'staff', email: uniqueEmail('anon') } })
    expect(await refusal(error)).toMatchObject({ status: 401, body: { code: 'not_authenticated' } })
  })
})
