import assert from 'node:assert/strict'
import { acceptInvitationUrl, type DeliveryDeps, deliverOutbox, type OutgoingMail, setPasswordUrl } from './deliver.ts'
import type { OutboxMail } from './templates.ts'

const settings = { siteUrl: 'https://portal.example', firmName: 'Kanzlei Weber & Partner', timeZone: 'Europe/Berlin' }

const codeMail: OutboxMail = {
  id: 'code-1', template: 'mfa_email_code', locale: 'de', recipient: 'anna@example.org', attempts: 1,
  data: { purpose: 'verify', expires_at: '2026-11-27T14:10:00Z', secret: { code: '042917' } },
}
const invitationMail: OutboxMail = {
  id: 'inv-1', template: 'client_invitation', locale: 'en', recipient: 'new@example.org', attempts: 1,
  data: { client_name: 'Nordlicht Logistik AG', invitee_name: 'Ann Lee', expires_at: '2026-12-04T10:00:00Z', secret: { token: 'a1b2' } },
}

/** An outbox that hands out the given batches in turn and records what was reported back. */
function fakeWorld(batches: OutboxMail[][], options: { failSending?: (mail: OutgoingMail) => boolean, existingAccounts?: string[] } = {}) {
  const claims: Array<{ maxCount: number, ids: string[] | null }> = []
  const completed: Array<[string, string | null]> = []
  const sent: OutgoingMail[] = []
  const setups: Array<{ email: string, profile: unknown }> = []
  const deps: DeliveryDeps = {
    outbox: {
      claim: async (maxCount, ids) => {
        claims.push({ maxCount, ids })
        return batches.shift() ?? []
      },
      complete: async (id, error) => {
        completed.push([id, error])
      },
    },
    send: async (mail) => {
      if (options.failSending?.(mail)) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2525'), { code: 'ESOCKET' })
      sent.push(mail)
    },
    accountSetupToken: async (email, profile) => {
      setups.push({ email, profile })
      return options.existingAccounts?.includes(email) ? null : 'f00d+h/sh'
    },
    settings,
  }
  return { deps, claims, completed, sent, setups }
}

const silently = async <T>(run: () => Promise<T>): Promise<T> => {
  const original = console.error
  console.error = () => {}
  try {
    return await run()
  }
  finally {
    console.error = original
  }
}

Deno.test('a run claims until the outbox is empty and reports every mail as sent', async () => {
  const world = fakeWorld([[codeMail], [{ ...codeMail, id: 'code-2' }]])
  assert.deepEqual(await deliverOutbox(world.deps, null), { sent: 2, failed: 0 })
  assert.deepEqual(world.claims, [{ maxCount: 20, ids: null }, { maxCount: 20, ids: null }, { maxCount: 20, ids: null }])
  assert.deepEqual(world.completed, [['code-1', null], ['code-2', null]])
  assert.equal(world.sent[0]?.to, 'anna@example.org')
  assert.match(world.sent[0]!.text, /042917/)
})

Deno.test('a run started for given mails claims only those', async () => {
  const world = fakeWorld([[codeMail]])
  await deliverOutbox(world.deps, ['code-1'])
  assert.deepEqual(world.claims.map(claim => claim.ids), [['code-1'], ['code-1']])
})

Deno.test('an invitation to a new address links to the app\'s set-password page with the token hash, then on to the accept page', async () => {
  const world = fakeWorld([[invitationMail]])
  await deliverOutbox(world.deps, null)
  assert.deepEqual(world.setups, [{ email: 'new@example.org', profile: { display_name: 'Ann Lee', locale: 'en' } }])
  const link = 'https://portal.example/passwort-setzen?token_hash=f00d%2Bh%2Fsh&type=invite&weiter=%2Feinladung%2Fannehmen%3Finvitation%3Da1b2'
  assert.equal(setPasswordUrl(settings.siteUrl, 'f00d+h/sh', 'invite', '/einladung/annehmen?invitation=a1b2'), link)
  assert.ok(world.sent[0]!.text.includes(`Accept the invitation and set your password:\n${link}\n`))
  assert.ok(!world.sent[0]!.text.includes('/auth/v1/verify'), 'never GoTrue\'s verify link, which a mail scanner would use up')
  const params = new URL(link).searchParams
  assert.deepEqual([params.get('token_hash'), params.get('type'), params.get('weiter')], ['f00d+h/sh', 'invite', '/einladung/annehmen?invitation=a1b2'])
})

Deno.test('an invitation to an existing account links straight to the accept page', async () => {
  const world = fakeWorld([[invitationMail]], { existingAccounts: ['new@example.org'] })
  await deliverOutbox(world.deps, null)
  assert.equal(acceptInvitationUrl(settings.siteUrl, 'a1b2'), 'https://portal.example/einladung/annehmen?invitation=a1b2')
  assert.match(world.sent[0]!.text, /Accept the invitation:\nhttps:\/\/portal\.example\/einladung\/annehmen\?invitation=a1b2\n/)
})

Deno.test('a failure is reported with its reason (never the mail\'s secrets) and the run goes on', async () => {
  const world = fakeWorld([[codeMail, invitationMail]], { failSending: mail => mail.to === 'anna@example.org' })
  const report = await silently(() => deliverOutbox(world.deps, null))
  assert.deepEqual(report, { sent: 1, failed: 1 })
  assert.deepEqual(world.completed, [['code-1', 'ESOCKET: connect ECONNREFUSED 127.0.0.1:2525'], ['inv-1', null]])
})

Deno.test('a mail that cannot be composed is reported failed, not sent', async () => {
  const world = fakeWorld([[{ ...codeMail, template: 'newsletter' }, { ...invitationMail, data: { ...invitationMail.data, secret: {} } }]])
  await silently(() => deliverOutbox(world.deps, null))
  assert.deepEqual(world.completed, [['code-1', 'unknown template "newsletter"'], ['inv-1', 'client_invitation: data.secret.token is missing']])
  assert.deepEqual(world.sent, [])
})
