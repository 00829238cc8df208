// Matters and their documents over HTTP, as the portal moves them: staff open a matter and upload
// a PDF resumably (TUS through tus-js-client, as the app does for large files); the content check
// passes it; the client sees nothing until staff release it with a note, then downloads the exact
// bytes and staff see who downloaded which version. A disguised file fails the check. A guest the
// client removes loses the matter at once: the RPCs, Storage and its open page (Realtime).
import { randomBytes, randomUUID } from 'node:crypto'
import * as tus from 'tus-js-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { latestMail } from '../helpers/auth.ts'
import { testEnv } from '../helpers/env.ts'
import {
  call, clientUser, closePortal, contentChecked, guestIn, newClient, privateChannel, refusal, sha256, staffMember,
  type Matter, type PortalUser, within,
} from '../helpers/portal.ts'
import { Inbox, subscribed, type BroadcastMessage } from '../helpers/realtime.ts'

let staff: PortalUser
let client: PortalUser
let matter: Matter & { reference: string }

beforeAll(async () => {
  staff = await staffMember('matter-docs-staff')
  const firm = await newClient(staff, 'Mandant Aktendokumente')
  client = await clientUser(staff, firm, 'matter-docs-client')
  matter = await call(staff.client, 'create_matter', {
    client_id: firm.id, title: 'Bauprozess Nordstadt', reference: `IT-${randomUUID().slice(0, 8)}/26`,
  })
})

afterAll(closePortal)

async function accessToken(user: PortalUser): Promise<string> {
  return (await user.client.auth.getSession()).data.session!.access_token
}

/** The app's large-file path: prepare, upload resumably to the prepared path, complete. */
async function uploadResumably(user: PortalUser, fileName: string, mimeType: string, bytes: Buffer): Promise<string> {
  const [prepared] = await call<Array<{ document_id: string, bucket: string, path: string }>>(user.client, 'create_document_upload', {
    matter_id: matter.id, file_name: fileName, size_bytes: bytes.byteLength, mime_type: mimeType, sha256: sha256(bytes),
  })
  const token = await accessToken(user)
  await new Promise<void>((resolve, reject) => {
    new tus.Upload(bytes, {
      endpoint: `${testEnv.supabaseUrl}/storage/v1/upload/resumable`,
      headers: { authorization: `Bearer ${token}`, apikey: testEnv.anonKey },
      chunkSize: 1024 * 1024,
      retryDelays: [],
      metadata: { bucketName: prepared!.bucket, objectName: prepared!.path, contentType: mimeType },
      onSuccess: () => resolve(),
      onError: reject,
    }).start()
  })
  await call(user.client, 'complete_document_upload', { document_id: prepared!.document_id })
  return prepared!.document_id
}

async function download(user: PortalUser, documentId: string): Promise<Buffer> {
  const [ticket] = await call<Array<{ bucket: string, path: string }>>(user.client, 'document_download_url', { document_id: documentId })
  const { data, error } = await user.client.storage.from(ticket!.bucket).createSignedUrl(ticket!.path, 60)
  if (error) throw error
  return Buffer.from(await (await fetch(data.signedUrl)).arrayBuffer())
}

const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size), Buffer.from('\n%%EOF\n')])

describe('a staff document in a matter', () => {
  it('passes the content check, waits for the release, and reaches the client intact', async () => {
    const bytes = pdf(3 * 1024 * 1024)
    const id = await uploadResumably(staff, 'Klageerwiderung.pdf', 'application/pdf', bytes)
    expect(await contentChecked(id)).toEqual({ content_check: 'passed', content_check_reason: null })

    const before = await call<Array<{ id: string }>>(client.client, 'list_documents', { filter_matter: matter.id })
    expect(before.map(row => row.id)).not.toContain(id)
    expect(await refusal(client.client, 'document_download_url', { document_id: id })).toMatchObject({ message: 'document_not_found' })

    expect(await call(staff.client, 'release_documents', { document_ids: [id], note: 'Bitte bis Freitag durchsehen' })).toBe(1)
    const [listed] = await call<Array<{ id: string, release_note: string, uploader_name: string, version: number, size_bytes: number }>>(
      client.client, 'list_documents', { filter_matter: matter.id, search: 'Klageerwiderung' })
    expect(listed).toMatchObject({ id, release_note: 'Bitte bis Freitag durchsehen', version: 1, size_bytes: bytes.byteLength })

    expect(sha256(await download(client, id))).toBe(sha256(bytes))
    const downloads = await call<Array<{ user_id: string, version: number }>>(staff.client, 'document_downloads', { document_id: id })
    expect(downloads).toEqual([expect.objectContaining({ user_id: client.id, version: 1 })])
    expect(await refusal(client.client, 'document_downloads', { document_id: id })).toMatchObject({ message: 'forbidden' })
  })

  it('is rejected when its content is not what its type says', async () => {
    const disguised = Buffer.concat([Buffer.from('MZ'), randomBytes(4096)])
    const id = await uploadResumably(client, 'Rechnung.pdf', 'application/pdf', disguised)
    expect(await contentChecked(id)).toEqual({ content_check: 'failed', content_check_reason: 'content_type_mismatch' })
    const [ticket] = await call<Array<{ bucket: string, path: string }>>(staff.client, 'document_versions', { document_id: id }).catch(() => [])
    expect(ticket).toBeUndefined()
    const listed = await call<Array<{ id: string }>>(staff.client, 'list_documents', { filter_matter: matter.id, filter_state: 'deleted' })
    expect(listed.map(row => row.id)).toContain(id)
  })
})

describe('a guest the client removes', () => {
  it('loses the matter at once: RPCs, Storage and its open page', async () => {
    const guest = await guestIn(client, matter, 'matter-docs-guest')
    // The invitation in the guest's inbox names the matter it opens (and nothing else of the client).
    const invitation = await latestMail(guest.email, 10_000, mail => /Akte/.test(mail.text))
    expect(invitation.text).toContain(`Akte „${matter.title}“`)
    const id = await uploadResumably(client, 'Gutachtenauftrag.pdf', 'application/pdf', pdf(1024))
    expect((await contentChecked(id)).content_check).toBe('passed')
    expect((await call<{ my_role: string }>(guest.client, 'matter_overview', { reference: matter.reference })).my_role).toBe('guest')
    const [ticket] = await call<Array<{ bucket: string, path: string }>>(guest.client, 'document_download_url', { document_id: id })

    const told = new Inbox<BroadcastMessage>()
    await within(subscribed((await privateChannel(guest.client, `user:${guest.id}`)).on('broadcast', { event: 'matter_access_ended' }, told.push)), 'join of the guest\'s user channel')
    await call(client.client, 'remove_matter_member', { matter_id: matter.id, user_id: guest.id })

    expect((await within(told.next(() => true), 'matter_access_ended')).payload).toMatchObject({ matter_id: matter.id })
    expect(await refusal(guest.client, 'matter_overview', { reference: matter.reference })).toMatchObject({ message: 'matter_not_found' })
    expect(await refusal(guest.client, 'document_download_url', { document_id: id })).toMatchObject({ message: 'document_not_found' })
    // The grant it held is gone, so Storage signs nothing for it.
    const signed = await guest.client.storage.from(ticket!.bucket).createSignedUrl(ticket!.path, 60)
    expect(signed.error).not.toBeNull()
    expect(await call(guest.client, 'list_matters')).toEqual([])
  })
})
