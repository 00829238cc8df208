// `make dev`'s demo files: every seeded document gets a file of its type that the content check's
// rules accept, its row the file's true size and SHA-256, so a demo download arrives intact; a
// second run writes nothing.
import { createHash } from 'node:crypto'
import { afterAll, expect, it } from 'vitest'
import { loadConfig } from '../../devstack/src/config.ts'
import { HEAD_BYTES, signatureType } from '../../edge-functions/verify-document/sniff.ts'
import { uploadDemoFiles } from '../../scripts/demo-files.ts'
import { db } from '../helpers/personas.ts'
import { call, closePortal, staffMember } from '../helpers/portal.ts'

afterAll(closePortal)

it('gives every seeded document real bytes that download intact', async () => {
  const seeded = (await db()<Array<{ id: string }>>`
    select id from public.documents where id::text like '00000000-0000-4000-9000-%' order by id`).map(row => row.id)
  expect(seeded.length).toBeGreaterThanOrEqual(6)
  const config = loadConfig({ DEVSTACK_INSTANCE: 'test', ...process.env })
  await uploadDemoFiles(config, seeded)
  expect(await uploadDemoFiles(config, seeded)).toBe(0)

  const staff = await staffMember('demo-files-staff')
  // A thread's file is read by its participants only: the staff member joins the demo threads.
  await db()`
    insert into public.conversation_participants (conversation_id, user_id)
    select distinct d.conversation_id, ${staff.id}::uuid from public.documents as d where d.id = any(${seeded}) and d.conversation_id is not null`
  const rows = await db()<Array<{ id: string, mime_type: string, sha256: string, size_bytes: string }>>`
    select id, mime_type, sha256, size_bytes from public.documents where id = any(${seeded}) and deleted_at is null`
  for (const row of rows) {
    const [grant] = await call<Array<{ bucket: string, path: string }>>(staff.client, 'document_download_url', { document_id: row.id })
    const { data, error } = await staff.client.storage.from(grant!.bucket).createSignedUrl(grant!.path, 60)
    expect(error).toBeNull()
    const bytes = Buffer.from(await (await fetch(data!.signedUrl)).arrayBuffer())
    expect({ id: row.id, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength })
      .toEqual({ id: row.id, sha256: row.sha256, size: Number(row.size_bytes) })
    const [fits] = await db()<Array<{ fits: boolean }>>`
      select private.content_fits_type(${signatureType(bytes.subarray(0, HEAD_BYTES))}, ${row.mime_type}) as fits`
    expect(fits!.fits, `${row.mime_type} content`).toBe(true)
  }
})
