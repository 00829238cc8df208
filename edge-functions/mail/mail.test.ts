import assert from 'node:assert/strict'
import { postJson } from '../_shared/test-requests.ts'
import type { DeliveryDeps } from './deliver.ts'
import { mail } from './mail.ts'

const mailId = '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a'

function recordingDeps() {
  const claimed: Array<string[] | null> = []
  const deps: DeliveryDeps = {
    outbox: {
      claim: async (_maxCount, ids) => {
        claimed.push(ids)
        return []
      },
      complete: async () => {},
    },
    send: async () => {},
    accountSetupToken: async () => null,
    settings: { siteUrl: 'https://portal.example', firmName: 'Kanzlei', timeZone: 'Europe/Berlin' },
  }
  return { deps: () => deps, claimed }
}

const service = { role: 'service_role' }

Deno.test('the service role starts a run, for all due mails or for the given ones', async () => {
  const { deps, claimed } = recordingDeps()
  const all = await mail(postJson('http://localhost/mail', service, {}), deps)
  assert.equal(all.status, 200)
  assert.deepEqual(await all.json(), { sent: 0, failed: 0 })
  await mail(postJson('http://localhost/mail', service, { mail_ids: [mailId] }), deps)
  assert.deepEqual(claimed, [null, [mailId]])
})

Deno.test('users cannot start runs, and malformed bodies are refused', async () => {
  const { deps, claimed } = recordingDeps()
  assert.equal((await mail(postJson('http://localhost/mail', { role: 'authenticated' }, {}), deps)).status, 403)
  assert.equal((await mail(postJson('http://localhost/mail', service, { mail_ids: ['x'] }), deps)).status, 400)
  assert.equal((await mail(postJson('http://localhost/mail', service, { mail_ids: mailId }), deps)).status, 400)
  assert.equal((await mail(postJson('http://localhost/mail', service, 'x'), deps)).status, 400)
  assert.equal((await mail(new Request('http://localhost/mail'), deps)).status, 405)
  assert.deepEqual(claimed, [])
})
