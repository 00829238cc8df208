// The error contract the app translates: RPCs raise P0001 with a stable code as the message, which
// PostgREST answers with HTTP 400 and supabase-js hands over as error.message (details and hints
// alongside); privileges the caller lacks are 42501 (401 for the anonymous key, 403 signed in).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  anonymous, clientUser, closePortal, newClient, newMatter, portalUser, refusal, staffMember,
  type Client, type Matter, type PortalUser,
} from '../helpers/portal.ts'

let admin: PortalUser
let staff: PortalUser
let owner: PortalUser
let client: Client
let matter: Matter
let ticketId: string

beforeAll(async () => {
  ;[admin, staff] = [await staffMember('errors-admin', { admin: true }), await staffMember('errors-staff')]
  client = await newClient(staff, 'Mandant Fehler')
  matter = await newMatter(staff, client, 'Akte Fehler')
  owner = await clientUser(staff, client, 'errors-owner')
  const { data, error } = await owner.client.rpc('open_ticket', { subject: 'Fehlerfall', body: 'Text' })
  if (error) throw error
  ticketId = (data as { id: string }).id
})

afterAll(closePortal)

const upload = (overrides: Record<string, unknown>) => ({
  matter_id: matter.id, file_name: 'Anlage.pdf', size_bytes: 1024, mime_type: 'application/pdf', sha256: 'a'.repeat(64), ...overrides,
})

interface Case { as: () => PortalUser, fn: string, args: () => Record<string, unknown>, message: string, details?: string, hint?: string }

const cases: Record<string, Case> = {
  'a ticket without subject': { as: () => owner, fn: 'open_ticket', args: () => ({ subject: '  ', body: 'Text' }), message: 'subject_required' },
  'an unknown priority': { as: () => owner, fn: 'open_ticket', args: () => ({ subject: 'Eilt', body: 'Text', priority: 'asap' }), message: 'invalid_priority' },
  'an unknown status': { as: () => staff, fn: 'set_ticket_status', args: () => ({ ticket_id: ticketId, status: 'archived' }), message: 'invalid_status' },
  'the same status again': { as: () => staff, fn: 'set_ticket_status', args: () => ({ ticket_id: ticketId, status: 'open' }), message: 'ticket_status_unchanged' },
  'an HTML upload': { as: () => owner, fn: 'create_document_upload', args: () => upload({ mime_type: 'text/html' }), message: 'document_type_not_allowed' },
  'an upload over 200 MiB': { as: () => owner, fn: 'create_document_upload', args: () => upload({ size_bytes: 201 * 1024 * 1024 }), message: 'document_too_large', details: 'At most 209715200 bytes.' },
  'a malformed checksum': { as: () => owner, fn: 'create_document_upload', args: () => upload({ sha256: 'abc' }), message: 'invalid_checksum', details: 'SHA-256 as 64 hex digits.' },
  'a file name with a slash': { as: () => owner, fn: 'create_document_upload', args: () => upload({ file_name: '../Anlage.pdf' }), message: 'invalid_file_name' },
  'an invitation to a malformed address': { as: () => staff, fn: 'invite_to_client', args: () => ({ client_id: client.id, email: 'kein-at-zeichen' }), message: 'invalid_email' },
  'an unknown client role': { as: () => staff, fn: 'invite_to_client', args: () => ({ client_id: client.id, email: 'neu@test.example', role: 'admin' }), message: 'invalid_role' },
  'an owner invitation by a client': { as: () => owner, fn: 'invite_to_client', args: () => ({ client_id: client.id, email: 'neu@test.example', role: 'owner' }), message: 'forbidden' },
  'an unknown invitation token': { as: () => owner, fn: 'accept_invitation', args: () => ({ token: 'f'.repeat(64) }), message: 'invitation_not_found' },
  'a conversation of an unknown kind': { as: () => owner, fn: 'start_conversation', args: () => ({ kind: 'call', subject: 'Hallo', client_id: client.id }), message: 'invalid_kind' },
  'a conversation without scope': { as: () => staff, fn: 'start_conversation', args: () => ({ kind: 'chat', subject: null }), message: 'scope_required', details: 'A conversation belongs to a client or to a matter.' },
  'a malformed e-mail code': { as: () => owner, fn: 'verify_email_code', args: () => ({ code: '12a' }), message: 'email_code_invalid_format', details: 'A code has exactly 6 digits.' },
  'the audit log for non-admin staff': { as: () => staff, fn: 'list_audit_events', args: () => ({}), message: 'forbidden', details: 'Only admins read the audit log.' },
  'a staff invitation by non-admin staff': { as: () => staff, fn: 'invite_staff', args: () => ({ email: 'neu@kanzlei.example' }), message: 'forbidden', details: 'Only admins invite staff.' },
}

describe('RPC errors reach supabase-js as PostgREST errors', () => {
  it.each(Object.entries(cases))('%s', async (_, { as, fn, args, message, details, hint }) => {
    const { data, error, status } = await as().client.rpc(fn, args())
    expect(data).toBeNull()
    expect(status).toBe(400)
    expect(error).toMatchObject({ code: 'P0001', message })
    if (details) expect(error!.details).toBe(details)
    if (hint) expect(error!.hint).toBe(hint)
  })

  it('the same call succeeds for the persona allowed to make it', async () => {
    const { data, error, status } = await admin.client.rpc('list_audit_events', { max_rows: 1 })
    expect(error).toBeNull()
    expect(status).toBe(200)
    expect(data).toHaveLength(1)
  })

  it('a hint comes along where the schema gives one', async () => {
    const session = await portalUser('errors-codes')
    const { error } = await session.client.rpc('verify_email_code', { code: '123456' })
    expect(error).toMatchObject({ code: 'P0001', message: 'email_code_not_found', details: 'This session has no open code.', hint: 'Request a new code.' })
  })
})

describe('errors raised by triggers on table writes', () => {
  it('member_role_mismatch when a client row is added for someone outside the client', async () => {
    const stranger = await portalUser('errors-stranger')
    const { error, status } = await staff.client.from('matter_members').insert({ matter_id: matter.id, user_id: stranger.id, role: 'client' })
    expect(error).toMatchObject({ code: 'P0001', message: 'member_role_mismatch' })
    expect(status).toBe(400)
  })
})

describe('missing privileges', () => {
  it('refuse the anonymous key with 401 before any RPC runs', async () => {
    expect(await refusal(anonymous(), 'open_ticket', { subject: 'Anonym', body: 'Text' })).toEqual({ status: 401, code: '42501', message: 'permission denied for function open_ticket' })
  })

  it('refuse a signed-in user with 403 on service-role functions', async () => {
    expect(await refusal(owner.client, 'complete_outbox_mail', { mail_id: crypto.randomUUID() }))
      .toEqual({ status: 403, code: '42501', message: 'permission denied for function complete_outbox_mail' })
  })
})
