import assert from 'node:assert/strict'
import { postJson } from '../_shared/test-requests.ts'
import { heartbeat, type RecordHeartbeat } from './heartbeat.ts'

const recorded: string[] = []
const record: RecordHeartbeat = async (job) => {
  recorded.push(job)
  return { id: '1', job, received_at: '2026-11-27 10:00:00+00' }
}
const post = (role: string, body: unknown) => postJson('http://localhost/heartbeat', { role }, body)

Deno.test('heartbeat records the job named by a service-role caller', async () => {
  const response = await heartbeat(post('service_role', { job: 'nightly' }), record)
  assert.equal(response.status, 201)
  assert.equal((await response.json()).job, 'nightly')
  assert.deepEqual(recorded.splice(0), ['nightly'])
})

Deno.test('heartbeat refuses users and anonymous callers', async () => {
  for (const role of ['authenticated', 'anon']) {
    assert.equal((await heartbeat(post(role, { job: 'nightly' }), record)).status, 403)
  }
  assert.deepEqual(recorded, [])
})

Deno.test('heartbeat refuses a body without a job name', async () => {
  assert.equal((await heartbeat(post('service_role', { job: '' }), record)).status, 400)
  assert.equal((await heartbeat(post('service_role', ['nightly']), record)).status, 400)
})
