// Documents as the app moves them: create_document_upload → Storage upload as the user →
// complete_document_upload; the release gate for staff uploads; and downloads only through
// document_download_url (audited) → createSignedUrl as the user → the bytes, checked by SHA-256.
import { createClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testEnv } from '../helpers/env.ts'
import { db } from '../helpers/personas.ts'
import {
  call, clientUser, closePortal, contentChecked, newClient, newMatter, refusal, sha256, staffMember, uploadDocument, visibleIds,
  type Matter, type PortalUser,
} from '../helpers/portal.ts'

let staff: PortalUser
let clientA: PortalUser
let clientB: PortalUser
let matterA: Matter

beforeAll(async () => {
  staff = await staffMember('docs-staff')
  const [a, b] = [await newClient(staff, 'Mandant Dokumente A'), await newClient(staff, 'Mandant Dokumente B')]
  ;[clientA, clientB] = [await clientUser(staff, a, 'docs-a'), await clientUser(staff, b, 'docs-b')]
  matterA = await newMatter(staff, a, 'Akte Dokumente')
})

afterAll(closePortal)

interface DownloadTicket { bucket: string, path: string, file_name: string, mime_type: string, expires_at: string }

async function downloadTicket(user: PortalUser, documentId: string): Promise<DownloadTicket> {
  const [ticket] = await call<DownloadTicket[]>(user.client, 'document_download_url', { document_id: documentId })
  return ticket!
}

/** The file name a browser saves under (RFC 6266 `filename*`). */
function savedFileName(response: Response): string | null {
  const encoded = /filename\*=UTF-8''([^;]+)/.exec(response.headers.get('content-disposition') ?? '')?.[1]
  return encoded === undefined ? null : decodeURIComponent(encoded)
}

/**
 * The app's download: ask the database (audited), sign as the user, fetch the signed URL. The
 * original name goes on the URL encoded once; supabase-js's own `download` option encodes it twice
 * (URLSearchParams, then encodeURI over the whole URL), which garbles umlauts (see below).
 */
async function download(user: PortalUser, documentId: string): Promise<{ bytes: Uint8Array, fileName: string | null }> {
  const ticket = await downloadTicket(user, documentId)
  const { data, error } = await user.client.storage.from(ticket.bucket).createSignedUrl(ticket.path, 60)
  if (error) throw error
  const response = await fetch(`${data.signedUrl}&download=${encodeURIComponent(ticket.file_name)}`)
  expect(response.status).toBe(200)
  return { bytes: new Uint8Array(await response.arrayBuffer()), fileName: savedFileName(response) }
}

describe('a client\'s upload', () => {
  it('goes to the prepared path, is released on completion and reaches staff intact', async () => {
    const bytes = new TextEncoder().encode('Sehr geehrte Damen und Herren, anbei die Kündigung.')
    const [prepared] = await call<Array<{ document_id: string, bucket: string, path: string }>>(clientA.client, 'create_document_upload', {
      matter_id: matterA.id, file_name: 'Kündigung Müller.txt', size_bytes: bytes.byteLength, mime_type: 'text/plain', sha256: sha256(bytes),
    })
    expect(prepared).toEqual({ document_id: expect.any(String), bucket: 'documents', path: `${matterA.id}/${prepared!.document_id}/Kuendigung_Mueller.txt` })
    expect(await refusal(clientA.client, 'complete_document_upload', { document_id: prepared!.document_id }))
      .toEqual({ status: 400, code: 'P0001', message: 'document_object_missing' })

    const uploaded = await clientA.client.storage.from('documents').upload(prepared!.path, bytes, { contentType: 'text/plain' })
    expect(uploaded.error).toBeNull()
    const completed = await call<{ uploaded_at: string | null, released_at: string | null, size_bytes: number }>(
      clientA.client, 'complete_document_upload', { document_id: prepared!.document_id })
    expect(completed).toMatchObject({ uploaded_at: expect.any(String), released_at: expect.any(String), size_bytes: bytes.byteLength })

    expect(await visibleIds(staff.client, 'documents', { column: 'matter_id', values: [matterA.id] })).toContain(prepared!.document_id)
    // Nobody reads the object until verify-document checked checksum and type.
    expect(await contentChecked(prepared!.document_id)).toEqual({ content_check: 'passed', content_check_reason: null })
    const { bytes: received, fileName } = await download(staff, prepared!.document_id)
    expect(sha256(received)).toBe(sha256(bytes))
    expect(fileName).toBe('Kündigung Müller.txt')
  })

  it('cannot be written to any path but the prepared one', async () => {
    const bytes = new TextEncoder().encode('untergeschoben')
    const { error } = await clientA.client.storage.from('documents').upload(`${matterA.id}/${crypto.randomUUID()}/untergeschoben.txt`, bytes, { contentType: 'text/plain' })
    expect(error).toMatchObject({ statusCode: '403', message: 'new row violates row-level security policy' })
  })
})

describe('a staff upload', () => {
  it('stays invisible to the client until it is released, then notifies it', async () => {
    const document = await uploadDocument(staff, matterA, 'Schriftsatz Entwurf.txt')
    expect(await visibleIds(clientA.client, 'documents', { column: 'id', values: [document.id] })).toEqual([])
    expect(await refusal(clientA.client, 'document_download_url', { document_id: document.id }))
      .toEqual({ status: 400, code: 'P0001', message: 'document_not_found' })
    expect(await refusal(clientA.client, 'release_document', { document_id: document.id }))
      .toEqual({ status: 400, code: 'P0001', message: 'forbidden' })

    expect(await call(staff.client, 'release_document', { document_id: document.id })).toMatchObject({ released_at: expect.any(String) })
    expect(await visibleIds(clientA.client, 'documents', { column: 'id', values: [document.id] })).toEqual([document.id])
    const { data: notifications } = await clientA.client.from('notifications').select('kind, entity_id').eq('entity_id', document.id)
    expect(notifications).toEqual([{ kind: 'document.released', entity_id: document.id }])
    const { bytes } = await download(clientA, document.id)
    expect(sha256(bytes)).toBe(sha256(document.bytes))
  })
})

describe('downloads', () => {
  it('deliver the exact bytes to the client and leave an audit event', async () => {
    const document = await uploadDocument(clientA, matterA, 'Kontoauszug.txt', 'Saldo: 1.234,56 €\nÄnderungen vorbehalten')
    const { bytes } = await download(clientA, document.id)
    expect(sha256(bytes)).toBe(sha256(document.bytes))
    const events = await db()<Array<{ actor_id: string, details: { sha256: string, matter_id: string } }>>`
      select actor_id, details from ops.audit_events where action = 'document.downloaded' and entity_id = ${document.id}`
    expect(events).toEqual([{ actor_id: clientA.id, details: expect.objectContaining({ sha256: sha256(document.bytes), matter_id: matterA.id }) }])
  })

  it('are audited with the caller\'s address: the forwarded one, else the connection\'s', async () => {
    const document = await uploadDocument(clientA, matterA, 'Adressnachweis.txt')
    await downloadTicket(clientA, document.id)
    // A browser sends no X-Forwarded-For; the gateway in front of PostgREST adds the peer address.
    const browser = createClient(testEnv.supabaseUrl, testEnv.anonKey, { auth: { persistSession: false, autoRefreshToken: false } })
    expect((await browser.auth.signInWithPassword({ email: clientA.email, password: clientA.password })).error).toBeNull()
    expect((await browser.rpc('document_download_url', { document_id: document.id })).error).toBeNull()

    const events = await db()<Array<{ ip: string | null }>>`
      select host(ip) as ip from ops.audit_events where action = 'document.downloaded' and entity_id = ${document.id} order by id`
    expect(events).toHaveLength(2)
    expect(events[0]!.ip).toBe(clientA.ip)
    expect(events[1]!.ip).not.toBeNull()
    if (testEnv.isDevstack) expect(events[1]!.ip).toBe('127.0.0.1')
  })

  it('get a garbled name from supabase-js\'s `download` option, which is why the app appends the name itself', async () => {
    const document = await uploadDocument(clientA, matterA, 'Zustellungsurkunde Größe.txt')
    const ticket = await downloadTicket(clientA, document.id)
    const { data } = await clientA.client.storage.from(ticket.bucket).createSignedUrl(ticket.path, 60, { download: ticket.file_name })
    const response = await fetch(data!.signedUrl)
    await response.arrayBuffer()
    expect(savedFileName(response)).toBe('Zustellungsurkunde Gr%C3%B6%C3%9Fe.txt')
  })

  it('are refused to another client, through the RPC and through Storage', async () => {
    const document = await uploadDocument(clientA, matterA, 'Vertraulich.txt')
    expect(await refusal(clientB.client, 'document_download_url', { document_id: document.id }))
      .toEqual({ status: 400, code: 'P0001', message: 'document_not_found' })
    const signed = await clientB.client.storage.from('documents').createSignedUrl(document.path, 60)
    expect(signed.data).toBeNull()
    expect(signed.error).toMatchObject({ statusCode: '404', message: 'Object not found' })
    const direct = await clientB.client.storage.from('documents').download(document.path)
    expect(direct.data).toBeNull()
    expect(direct.error).toMatchObject({ status: 400 })
  })

  it('need document_download_url first, even for the document\'s own client', async () => {
    const document = await uploadDocument(staff, matterA, 'Urteil.txt')
    await call(staff.client, 'release_document', { document_id: document.id })
    const direct = await clientA.client.storage.from('documents').download(document.path)
    expect(direct.data).toBeNull()
    expect(direct.error).toMatchObject({ status: 400 })
    const signed = await clientA.client.storage.from('documents').createSignedUrl(document.path, 60)
    expect(signed.error).toMatchObject({ statusCode: '404', message: 'Object not found' })
    const [{ count }] = await db()<[{ count: number }]>`
      select count(*)::int as count from ops.audit_events where action = 'document.downloaded' and entity_id = ${document.id}`
    expect(count).toBe(0)

    await downloadTicket(clientA, document.id)
    const granted = await clientA.client.storage.from('documents').download(document.path)
    expect(granted.error).toBeNull()
    expect(sha256(new Uint8Array(await granted.data!.arrayBuffer()))).toBe(sha256(document.bytes))
  })
})
