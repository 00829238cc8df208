// Invitations, the only way into the portal: staff invite into a client, a client user invites a
// guest into one matter; the token travels only in the mail outbox (service role), and only the
// invited account may accept it. Removing a guest ends its access with the next request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testEnv } from '../helpers/env.ts'
import { db } from '../helpers/personas.ts'
import {
  call, clientUser, closePortal, invitationToken, newClient, newMatter, outboxMail, portalUser, privateChannel, refusal,
  staffMember, uploadDocument, visibleIds, within, type Client, type Matter, type PortalUser, type UploadedDocument,
} from '../helpers/portal.ts'
import { Inbox } from '../helpers/realtime.ts'
import { waitFor } from '../helpers/wait.ts'

let staff: PortalUser
let client: Client
let owner: PortalUser
let matters: [Matter, Matter]

beforeAll(async () => {
  staff = await staffMember('invite-staff')
  client = await newClient(staff, 'Mandant Einladung')
  owner = await clientUser(staff, client, 'invite-owner')
  matters = [await newMatter(staff, client, 'Akte Gutachten'), await newMatter(staff, client, 'Akte Intern')]
})

afterAll(closePortal)

interface OutboxRow { template: string, status: string, data: { has_account: boolean, client_id: string, secret: { token: string } } }

describe('an invitation into a client', () => {
  let invitee: PortalUser
  let invitationId: string

  beforeAll(async () => {
    invitee = await portalUser('invite-member')
    invitationId = await call<string>(staff.client, 'invite_to_client', { client_id: client.id, email: invitee.email, role: 'member' })
  })

  it('queues a mail with the token in the outbox', async () => {
    const rows = await db()<OutboxRow[]>`
      select template, status, data from ops.mail_outbox where data ->> 'invitation_id' = ${invitationId}`
    expect(rows).toEqual([expect.objectContaining({
      template: 'client_invitation',
      data: expect.objectContaining({ has_account: true, client_id: client.id, secret: { token: expect.stringMatching(/^[0-9a-f]{64}$/) } }),
    })])
  })

  it.runIf(testEnv.isDevstack)('keeps the token in the outbox only until the mail function has sent it', async () => {
    const [{ token }] = await db()<[{ token: string }]>`
      select data -> 'secret' ->> 'token' as token from ops.mail_outbox where data ->> 'invitation_id' = ${invitationId}`
    const sent = await waitFor(async () => (await outboxMail(invitee.email.toLowerCase(), 'client_invitation'))?.status === 'sent' || undefined, 15_000)
    expect(sent).toBe(true)
    expect((await outboxMail(invitee.email.toLowerCase(), 'client_invitation'))?.has_secret).toBe(false)
    // From now on the token exists only in the delivered mail, where the helper finds it.
    expect(await invitationToken(invitee.email, invitationId, 'client_invitation')).toBe(token)
  })

  it('is visible to the client without its token, and the outbox is closed to clients', async () => {
    const token = await invitationToken(invitee.email, invitationId, 'client_invitation')
    const { data: invitations } = await owner.client.from('invitations').select('*').eq('id', invitationId)
    expect(invitations).toEqual([expect.objectContaining({ id: invitationId, email: invitee.email.toLowerCase(), role: 'member' })])
    expect(JSON.stringify(invitations)).not.toContain(token)

    const outbox = await owner.client.schema('ops').from('mail_outbox').select('*')
    expect(outbox.data).toBeNull()
    expect(outbox.error?.code).toBe('PGRST106')
    const claim = await owner.client.rpc('claim_outbox_mail', { max_count: 1 })
    expect(claim.data).toBeNull()
    expect(claim.error?.code).toBe('42501')
    expect(claim.status).toBe(403)
  })

  it('is refused to another signed-in account, then accepted by the invited one, once', async () => {
    const token = await invitationToken(invitee.email, invitationId, 'client_invitation')
    const stranger = await portalUser('invite-stranger')
    expect(await refusal(stranger.client, 'accept_invitation', { token })).toEqual({ status: 400, code: 'P0001', message: 'invitation_email_mismatch' })
    expect(await visibleIds(stranger.client, 'clients')).toEqual([])

    expect(await visibleIds(invitee.client, 'matters')).toEqual([])
    expect(await call(invitee.client, 'accept_invitation', { token })).toEqual({ invitation_id: invitationId, kind: 'client', client_id: client.id, matter_id: null })
    expect(await visibleIds(invitee.client, 'matters')).toEqual(matters.map(matter => matter.id).sort())
    expect(await refusal(invitee.client, 'accept_invitation', { token })).toEqual({ status: 400, code: 'P0001', message: 'invitation_already_accepted' })
  })

  it('cannot be accepted once revoked', async () => {
    const latecomer = await portalUser('invite-revoked')
    const revokedId = await call<string>(owner.client, 'invite_to_client', { client_id: client.id, email: latecomer.email })
    const token = await invitationToken(latecomer.email, revokedId, 'client_invitation')
    await call(owner.client, 'revoke_invitation', { invitation_id: revokedId })
    expect(await refusal(latecomer.client, 'accept_invitation', { token })).toEqual({ status: 400, code: 'P0001', message: 'invitation_revoked' })
    expect(await visibleIds(latecomer.client, 'clients')).toEqual([])
  })
})

describe('a guest invited by the client into one matter', () => {
  let guest: PortalUser
  let inGuestMatter: UploadedDocument
  let inOtherMatter: UploadedDocument

  beforeAll(async () => {
    inGuestMatter = await uploadDocument(owner, matters[0], 'Gutachtenauftrag.txt')
    inOtherMatter = await uploadDocument(owner, matters[1], 'Interne Notiz.txt')
    guest = await portalUser('invite-guest')
    const invitationId = await call<string>(owner.client, 'invite_to_matter', { matter_id: matters[0].id, email: guest.email })
    const token = await invitationToken(guest.email, invitationId, 'matter_invitation')
    expect(await call(guest.client, 'accept_invitation', { token })).toMatchObject({ kind: 'matter', matter_id: matters[0].id })
  })

  it('gets that matter and its documents, nothing else of the client', async () => {
    expect(await visibleIds(guest.client, 'matters')).toEqual([matters[0].id])
    expect(await visibleIds(guest.client, 'documents')).toEqual([inGuestMatter.id])
    expect(await visibleIds(guest.client, 'clients')).toEqual([])
    expect(await refusal(guest.client, 'document_download_url', { document_id: inOtherMatter.id }))
      .toEqual({ status: 400, code: 'P0001', message: 'document_not_found' })
  })

  it('may not invite anyone itself', async () => {
    const friend = await portalUser('invite-friend')
    expect(await refusal(guest.client, 'invite_to_matter', { matter_id: matters[0].id, email: friend.email }))
      .toEqual({ status: 400, code: 'P0001', message: 'forbidden' })
  })

  it('loses access with the next request once the client removes it, and its channel with its next token', async () => {
    const ticket = await call<{ id: string }>(guest.client, 'open_ticket', { subject: 'Frage zum Auftrag', body: 'Bis wann?', matter_id: matters[0].id })
    const conversation = await call<string>(owner.client, 'start_conversation', {
      kind: 'thread', subject: 'Gutachten', matter_id: matters[0].id, participant_ids: [guest.id], first_message: 'Willkommen',
    })
    expect(await visibleIds(guest.client, 'tickets')).toEqual([ticket.id])
    expect(await visibleIds(guest.client, 'conversations')).toEqual([conversation])
    expect(await visibleIds(guest.client, 'notifications')).toHaveLength(1)
    const system = new Inbox<{ status: string, message: string }>()
    const statuses = new Inbox<string>()
    ;(await privateChannel(guest.client, `conversation:${conversation}`)).on('system', {}, system.push).subscribe(status => statuses.push(status))
    await within(statuses.next(status => status === 'SUBSCRIBED'), 'guest join')

    const { error } = await owner.client.from('matter_members').delete().eq('matter_id', matters[0].id).eq('user_id', guest.id)
    expect(error).toBeNull()
    expect(await visibleIds(guest.client, 'matters')).toEqual([])
    expect(await visibleIds(guest.client, 'documents')).toEqual([])
    expect(await visibleIds(guest.client, 'tickets')).toEqual([])
    expect(await visibleIds(guest.client, 'conversations')).toEqual([])
    expect(await visibleIds(guest.client, 'notifications')).toEqual([])
    expect(await refusal(guest.client, 'document_download_url', { document_id: inGuestMatter.id }))
      .toEqual({ status: 400, code: 'P0001', message: 'document_not_found' })
    expect(await refusal(guest.client, 'open_ticket', { subject: 'Noch da?', body: 'Hallo', matter_id: matters[0].id }))
      .toEqual({ status: 400, code: 'P0001', message: 'matter_not_found' })

    // An open channel is checked again when the client hands Realtime its next token. (A refresh
    // within the same second as the sign-in returns the very same token, so sign in anew.)
    expect((await guest.client.auth.signInWithPassword({ email: guest.email, password: guest.password })).error).toBeNull()
    expect(await within(system.next(message => message.status === 'error'), 'the channel\'s closing notice'))
      .toMatchObject({ message: `You do not have permissions to read from this Channel topic: conversation:${conversation}` })
    await within(statuses.next(status => status === 'CLOSED'), 'the channel closing')
  })
})
