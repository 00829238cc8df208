// Staff reset a user's second factors through the `reset-factors` edge function: the database
// checks the caller (staff, verified session) and removes the e-mail factor, ends the sessions and
// the grace period and audits; the function removes the TOTP factor through the Auth admin API.
// The user can sign in again but must enrol before anything else. Others are refused, and so is a
// second reset with nothing left to reset (no_second_factor).
import { FunctionsHttpError } from '@supabase/supabase-js'
import { Secret, TOTP } from 'otpauth'
import { afterAll, expect, it } from 'vitest'
import { createTestUser, latestMail, signedInClient } from '../helpers/auth.ts'
import { testEnv } from '../helpers/env.ts'
import { closeDb, createPersona, db, serviceClient } from '../helpers/personas.ts'
import { addClientMember, createClientOrg, createStaff } from '../helpers/portal.ts'

afterAll(closeDb)

it.skipIf(!testEnv.isDevstack)('staff reset TOTP and e-mail factors (audited); a client cannot; the user must enrol again', async () => {
  const clientId = await createClientOrg('Reset Integration GmbH')
  const user = await createTestUser('reset-target')
  await addClientMember(clientId, user.id)
  const client = await signedInClient(user)
  const { data: enrolled } = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Handy' })
  const totp = new TOTP({ secret: Secret.fromBase32(enrolled!.totp.secret) })
  expect((await client.auth.mfa.challengeAndVerify({ factorId: enrolled!.id, code: totp.generate() })).error).toBeNull()
  expect((await client.rpc('request_email_code')).data).toMatchObject({ purpose: 'enrol' })
  const code = /^ {4}(\d{6})$/m.exec((await latestMail(user.email, 15_000)).text)![1]
  expect((await client.rpc('verify_email_code', { code })).data).toEqual({ verified: true, enrolled: true })

  const coMember = await createPersona('reset-co-member')
  await addClientMember(clientId, coMember.id, 'owner')
  const refused = await coMember.client.functions.invoke('reset-factors', { body: { user_id: user.id } })
  expect(refused.error).toBeInstanceOf(FunctionsHttpError)
  const refusal = (refused.error as FunctionsHttpError).context as Response
  expect(refusal.status).toBe(403)
  expect(await refusal.json()).toEqual({ code: 'forbidden', message: 'Only staff reset second factors.' })
  expect((await serviceClient().auth.admin.mfa.listFactors({ userId: user.id })).data!.factors).toHaveLength(1)
  expect(await db()`select 1 from private.email_factors where user_id = ${user.id}`).toHaveLength(1)

  const staff = await createStaff('resetting-staff')
  // can_reset_factors names the user for staff only, and only while there is a factor to reset.
  expect((await staff.client.rpc('can_reset_factors', { user_ids: [user.id] })).data).toContain(user.id)
  expect((await coMember.client.rpc('can_reset_factors', { user_ids: [user.id] })).data).toEqual([])
  const reset = await staff.client.functions.invoke('reset-factors', { body: { user_id: user.id } })
  expect(reset.error).toBeNull()
  expect(reset.data).toEqual({ user_id: user.id, gotrue_factors_removed: 1, email_factor_removed: true, sessions_ended: 1 })

  expect((await serviceClient().auth.admin.mfa.listFactors({ userId: user.id })).data!.factors).toEqual([])
  expect(await db()`select 1 from private.email_factors where user_id = ${user.id}`).toHaveLength(0)
  expect((await staff.client.rpc('can_reset_factors', { user_ids: [user.id] })).data).not.toContain(user.id)
  const nothingLeft = await staff.client.functions.invoke('reset-factors', { body: { user_id: user.id } })
  expect(((nothingLeft.error as FunctionsHttpError).context as Response).status).toBe(409)
  expect((await client.auth.refreshSession()).error).not.toBeNull()
  const audited = await db()`
    select actor_id, details from ops.audit_events where action = 'mfa.factors_reset' and entity_id = ${user.id}`
  expect(audited).toEqual([{ actor_id: staff.id, details: { gotrue_factor_ids: [enrolled!.id], email_factor: true, sessions_ended: 1 } }])
  const notice = await latestMail(user.email, 15_000, mail => mail.subject.includes('zurückgesetzt'))
  expect(notice.subject).toBe('Ihr zweiter Faktor wurde zurückgesetzt – Kanzlei Weber & Partner')
  expect(notice.text).toMatch(/hat den zweiten Faktor Ihres Zugangs zum Mandantenportal zurückgesetzt und alle Ihre Sitzungen beendet/)

  const again = await signedInClient(user)
  const { data: state } = await again.rpc('my_access_state')
  expect(state).toMatchObject({ has_factor: false, in_grace_period: false, access_allowed: false, enrolment_required: true })
  expect((await again.from('clients').select('id')).data).toEqual([])
})
