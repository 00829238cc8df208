// The second-factor gate over HTTP: REST, Storage and Realtime refuse a session that has not passed
// it, the enrolment paths stay open, and passing it (TOTP through GoTrue, or our e-mail code) opens
// exactly the session that did. Sessions are real: signInWithPassword, auth.mfa.*, and e-mail codes
// read from the mail outbox.
import type { SupabaseClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testEnv } from '../helpers/env.ts'
import {
  assuranceLevel, backdate, call, clientUser, closePortal, emailCode, enrolTotp, joinRefusal, newClient,
  newMatter, newSession, outboxMail, privateChannel, refusal, sha256, sorted, staffMember, stepUp, unauthorizedJoin, uploadDocument,
  visibleIds, within, type Authenticator, type Client, type Matter, type PortalUser, type UploadedDocument,
} from '../helpers/portal.ts'
import { subscribed } from '../helpers/realtime.ts'
import { waitFor } from '../helpers/wait.ts'

let staff: PortalUser

beforeAll(async () => {
  staff = await staffMember('gate-staff')
})

afterAll(closePortal)

interface AccessState {
  access_allowed: boolean
  enrolment_required: boolean
  step_up_required: boolean
  session_verified: boolean
  has_factor: boolean
  in_grace_period: boolean
  factors: { totp: number, email: boolean }
}

const accessState = (session: SupabaseClient) => call<AccessState>(session, 'my_access_state')

/** A client of its own per scenario, with one matter, one released document, and the member the scenario is about. */
interface Mandate { client: Client, matter: Matter, document: UploadedDocument, user: PortalUser }

async function mandate(label: string): Promise<Mandate> {
  const client = await newClient(staff, `Mandant ${label}`)
  const matter = await newMatter(staff, client, `Akte ${label}`)
  const owner = await clientUser(staff, client, `${label}-owner`)
  const document = await uploadDocument(owner, matter, 'Bescheid.txt')
  return { client, matter, document, user: await clientUser(staff, client, label, 'member') }
}

/** Everything a gated session must not get, in one place: REST rows, an RPC, the user's channel. */
async function expectGateClosed(session: SupabaseClient, user: PortalUser): Promise<void> {
  const refused = joinRefusal(session, `user:${user.id}`)
  expect(await visibleIds(session, 'matters')).toEqual([])
  expect(await visibleIds(session, 'clients')).toEqual([])
  expect(await visibleIds(session, 'documents')).toEqual([])
  expect(await refusal(session, 'open_ticket', { subject: 'Frage', body: 'Text' })).toEqual({ status: 400, code: 'P0001', message: 'mfa_required' })
  expect(await refused).toBe(unauthorizedJoin(`user:${user.id}`))
}

async function expectGateOpen(session: SupabaseClient, user: PortalUser, { matter, document }: Mandate, ownUploads: string[] = []): Promise<void> {
  expect(await visibleIds(session, 'matters')).toEqual([matter.id])
  expect(await visibleIds(session, 'documents')).toEqual(sorted([document.id, ...ownUploads]))
  await within(subscribed(await privateChannel(session, `user:${user.id}`)), 'join of the user channel')
}

describe('a user past its grace period without a factor', () => {
  let world: Mandate
  let lapsed: PortalUser
  let pendingUpload: { document_id: string, path: string }
  const bytes = new TextEncoder().encode('Nachweis, nachgereicht')

  beforeAll(async () => {
    world = await mandate('gate-lapsed')
    lapsed = world.user
    // Prepared while still inside the grace period; the upload itself comes after it ended.
    ;[pendingUpload] = await call<Array<{ document_id: string, path: string }>>(lapsed.client, 'create_document_upload', {
      matter_id: world.matter.id, file_name: 'Nachweis.txt', size_bytes: bytes.byteLength, mime_type: 'text/plain', sha256: sha256(bytes),
    }) as [{ document_id: string, path: string }]
    await backdate(lapsed, 4)
  })

  it('gets nothing from REST, RPCs, Storage or its Realtime channel', async () => {
    await expectGateClosed(lapsed.client, lapsed)
    const { error } = await lapsed.client.storage.from('documents').upload(pendingUpload.path, bytes, { contentType: 'text/plain' })
    expect(error).toMatchObject({ statusCode: '403', message: 'new row violates row-level security policy' })
  })

  it('still reads its own profile and its access state, which asks for enrolment', async () => {
    expect(await visibleIds(lapsed.client, 'profiles')).toEqual([lapsed.id])
    expect(await accessState(lapsed.client)).toMatchObject({
      access_allowed: false, enrolment_required: true, in_grace_period: false, has_factor: false,
    })
    expect(await call(lapsed.client, 'request_email_code')).toMatchObject({ purpose: 'enrol' })
  })

  it('enrols TOTP through auth.mfa, and its aal2 session then gets its data, upload and channel', async () => {
    await enrolTotp(lapsed.client)
    expect(await assuranceLevel(lapsed.client)).toBe('aal2')
    expect(await accessState(lapsed.client)).toMatchObject({ access_allowed: true, enrolment_required: false, factors: { totp: 1, email: false } })
    // Its own pending upload is among its documents too.
    await expectGateOpen(lapsed.client, lapsed, world, [pendingUpload.document_id])
    const { error } = await lapsed.client.storage.from('documents').upload(pendingUpload.path, bytes, { contentType: 'text/plain' })
    expect(error).toBeNull()
    expect(await call(lapsed.client, 'complete_document_upload', { document_id: pendingUpload.document_id })).toMatchObject({ id: pendingUpload.document_id })
  })
})

describe('a TOTP user signed in with its password only (aal1)', () => {
  let world: Mandate
  let user: PortalUser
  let authenticator: Authenticator
  let passwordOnly: SupabaseClient

  beforeAll(async () => {
    world = await mandate('gate-totp')
    user = world.user
    authenticator = await enrolTotp(user.client)
    passwordOnly = await newSession(user)
    // The aal2 session asks for the download, so a grant for this user exists.
    await call(user.client, 'document_download_url', { document_id: world.document.id })
  })

  it('is refused everywhere until it steps up, and told so', async () => {
    expect(await assuranceLevel(passwordOnly)).toBe('aal1')
    await expectGateClosed(passwordOnly, user)
    expect(await accessState(passwordOnly)).toMatchObject({ access_allowed: false, step_up_required: true, has_factor: true })
    // The e-mail factor is no way around TOTP: adding it needs a verified session.
    expect(await refusal(passwordOnly, 'request_email_code')).toEqual({ status: 400, code: 'P0001', message: 'mfa_required' })
    const { data, error } = await passwordOnly.storage.from('documents').createSignedUrl(world.document.path, 60)
    expect(data).toBeNull()
    expect(error).toMatchObject({ statusCode: '404', message: 'Object not found' })
  })

  it('gets in once it verified a TOTP code in this session', async () => {
    const { data } = await user.client.storage.from('documents').createSignedUrl(world.document.path, 60)
    expect(data?.signedUrl, 'the aal2 session with a grant signs the URL').toBeTruthy()
    await stepUp(passwordOnly, authenticator)
    expect(await assuranceLevel(passwordOnly)).toBe('aal2')
    await expectGateOpen(passwordOnly, user, world)
    const signed = await passwordOnly.storage.from('documents').createSignedUrl(world.document.path, 60)
    expect(signed.error).toBeNull()
  })
})

describe('the e-mail factor', () => {
  let world: Mandate
  let user: PortalUser
  let secondDevice: SupabaseClient

  beforeAll(async () => {
    world = await mandate('gate-mail')
    user = world.user
    await backdate(user, 4)
  })

  it('enrols with the mailed code and opens the session that verified it', async () => {
    await expectGateClosed(user.client, user)
    expect(await call(user.client, 'request_email_code')).toMatchObject({ purpose: 'enrol' })
    const code = await emailCode(user.email)
    const wrong = code === '000000' ? '111111' : '000000'
    expect(await call(user.client, 'verify_email_code', { code: wrong })).toEqual({ verified: false, reason: 'email_code_mismatch', attempts_left: 4 })
    expect(await call(user.client, 'verify_email_code', { code })).toEqual({ verified: true, enrolled: true })
    expect(await accessState(user.client)).toMatchObject({ access_allowed: true, session_verified: true, factors: { totp: 0, email: true } })
    await expectGateOpen(user.client, user, world)
  })

  it('leaves a second session of the same user refused until that session verifies its own code', async () => {
    secondDevice = await newSession(user)
    expect(await assuranceLevel(secondDevice)).toBe('aal1')
    await expectGateClosed(secondDevice, user)
    expect(await accessState(secondDevice)).toMatchObject({ access_allowed: false, step_up_required: true })
    expect(await refusal(secondDevice, 'verify_email_code', { code: '123456' })).toEqual({ status: 400, code: 'P0001', message: 'email_code_not_found' })

    expect(await call(secondDevice, 'request_email_code')).toMatchObject({ purpose: 'verify' })
    if (testEnv.isDevstack) {
      // This time the code is taken from the delivered mail, as the user would (the outbox drops it once sent).
      expect(await waitFor(async () => (await outboxMail(user.email.toLowerCase(), 'mfa_email_code'))?.status === 'sent' || undefined, 15_000)).toBe(true)
    }
    expect(await call(secondDevice, 'verify_email_code', { code: await emailCode(user.email) })).toEqual({ verified: true, enrolled: false })
    await expectGateOpen(secondDevice, user, world)
  })
})

describe('signing out everywhere', () => {
  it('ends the data access of the user\'s other sessions with their next request', async () => {
    const world = await mandate('gate-signout')
    const user = world.user
    const laptop = await newSession(user)
    expect(await visibleIds(laptop, 'matters')).toEqual([world.matter.id])
    expect((await user.client.auth.signOut({ scope: 'global' })).error).toBeNull()
    // The laptop's access token is still a valid JWT; its session row is gone.
    expect(await visibleIds(laptop, 'matters')).toEqual([])
    // RPCs and the access state tell the app to sign in again, not to ask for a second factor.
    expect(await refusal(laptop, 'document_download_url', { document_id: world.document.id })).toEqual({ status: 400, code: 'P0001', message: 'session_required' })
    expect(await refusal(laptop, 'my_access_state')).toEqual({ status: 400, code: 'P0001', message: 'session_required' })
  })
})
