// Administration across the services: a deactivated account is thrown out of its open app at
// once (session_ended on user:<id>), refused by REST and by Auth (sign-in and refresh), and comes
// back after reactivation; a removed client user loses the client in the same request; the GDPR
// export arrives from the edge function as a ZIP with the person's data and uploaded file, for
// admins only, and an erased guest can no longer sign in while the matter keeps its message.
import type { FunctionsHttpError } from '@supabase/supabase-js'
import { strFromU8, unzipSync } from 'fflate'
import { afterAll, describe, expect, it } from 'vitest'
import { accessTokenOf, signedInClient } from '../helpers/auth.ts'
import { testEnv } from '../helpers/env.ts'
import { db } from '../helpers/personas.ts'
import {
  call, closePortal, clientUser, guestIn, newClient, newMatter, privateChannel, refusal, staffMember, uploadDocument, within,
} from '../helpers/portal.ts'
import { subscribed } from '../helpers/realtime.ts'

afterAll(closePortal)

describe.skipIf(!testEnv.isDevstack)('administration', () => {
  it('deactivation ends the open session at once and Auth refuses the account until it is reactivated', async () => {
    const admin = await staffMember('deactivating-admin', { admin: true })
    const employee = await staffMember('leaving-employee')
    const channel = await privateChannel(employee.client, `user:${employee.id}`)
    const told = new Promise(resolve => channel.on('broadcast', { event: 'session_ended' }, resolve))
    await subscribed(channel)

    const employeeRefused = await refusal(employee.client, 'deactivate_account', { target_user_id: admin.id })
    expect(employeeRefused.message).toBe('forbidden')
    expect(await call(admin.client, 'deactivate_account', { target_user_id: employee.id, reason: 'Ausgeschieden' }))
      .toMatchObject({ sessions_ended: 1, already: false })
    await within(told, 'session_ended on the employee\'s user topic')

    expect((await employee.client.from('clients').select('id')).error?.message).toBeUndefined()
    expect((await employee.client.from('clients').select('id')).data).toEqual([])
    expect((await refusal(employee.client, 'list_clients')).message).toBe('session_required')
    expect((await employee.client.auth.refreshSession()).error).not.toBeNull()
    await expect(signedInClient(employee)).rejects.toThrow(/banned/i)

    expect(await call(admin.client, 'reactivate_account', { target_user_id: employee.id })).toBe(true)
    const again = await signedInClient(employee)
    expect((await again.rpc('list_clients')).error).toBeNull()
  })

  it('a removed client user loses the client with its next request', async () => {
    const staff = await staffMember('removing-staff')
    const client = await newClient(staff, 'Entfernt GmbH')
    const owner = await clientUser(staff, client, 'staying-owner')
    const member = await clientUser(staff, client, 'removed-member', 'member')
    expect((await member.client.from('clients').select('id')).data).toEqual([{ id: client.id }])
    // The owner of another client is told the client does not exist for it.
    const other = await clientUser(staff, await newClient(staff, 'Fremd AG'), 'foreign-owner')
    expect((await refusal(other.client, 'remove_client_user', { client_id: client.id, user_id: member.id })).message).toBe('client_not_found')

    expect(await call(owner.client, 'remove_client_user', { client_id: client.id, user_id: member.id }))
      .toEqual({ user_id: member.id, sessions_ended: 1 })
    expect((await refusal(member.client, 'my_access_state')).message).toBe('session_required')
  })

  it('an admin exports a guest\'s data as a ZIP and erases the guest; staff are refused', async () => {
    const admin = await staffMember('gdpr-admin', { admin: true })
    const employee = await staffMember('gdpr-employee')
    const client = await newClient(admin, 'Export KG')
    const matter = await newMatter(admin, client, 'Gutachten')
    const owner = await clientUser(admin, client, 'export-owner')
    const guest = await guestIn(owner, matter, 'export-guest')
    const upload = await uploadDocument(guest, matter, 'Gutachten.txt', 'Das Gutachten im Wortlaut')

    const refused = await employee.client.functions.invoke('gdpr-export', { body: { user_id: guest.id } })
    expect(((refused.error as FunctionsHttpError).context as Response).status).toBe(403)

    // fetch, as the app does: supabase-js's invoke reads an application/zip answer as text.
    const response = await fetch(`${testEnv.supabaseUrl}/functions/v1/gdpr-export`, {
      method: 'POST',
      headers: { 'Authorization': `Bearer ${await accessTokenOf(admin.client)}`, 'apikey': testEnv.anonKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ user_id: guest.id }),
    })
    expect(response.headers.get('content-type')).toBe('application/zip')
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()))
    expect(strFromU8(files[`dokumente/${upload.id}/Gutachten.txt`]!)).toBe('Das Gutachten im Wortlaut')
    const exported = JSON.parse(strFromU8(files['daten.json']!))
    expect(exported.profile.id).toBe(guest.id)
    expect(exported.matter_memberships).toMatchObject([{ role: 'guest', matter: matter.title }])
    expect(await db()`select 1 from ops.audit_events where action = 'gdpr.exported' and entity_id = ${guest.id} and actor_id = ${admin.id}`)
      .toHaveLength(1)

    const preview = await call<{ display_name: string, kept: { documents: number } }>(admin.client, 'gdpr_erasure_preview', { target_user_id: guest.id })
    expect(preview.kept.documents).toBe(1)
    await call(admin.client, 'erase_person', { target_user_id: guest.id, confirm_name: preview.display_name })
    await expect(signedInClient(guest)).rejects.toThrow()
    expect(await db()`select uploaded_by, retained_after_erasure_at is not null as kept from public.documents where id = ${upload.id}`)
      .toEqual([{ uploaded_by: null, kept: true }])
  })
})
