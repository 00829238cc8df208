import assert from 'node:assert/strict'
import { postJson } from '../_shared/test-requests.ts'
import { backup } from './backup.ts'
import { parseTarget } from './settings.ts'

const started: string[] = []
const start = (runId: string) => {
  started.push(runId)
  return Promise.resolve({ status: 'succeeded' as const })
}
const runId = '0b0c6f9e-8a43-4c9e-9a57-9f2f1e6f0a11'

Deno.test('the service role starts a queued run and gets 202 at once', async () => {
  const response = await backup(postJson('http://localhost/backup', { role: 'service_role' }, { run_id: runId }), start)
  assert.equal(response.status, 202)
  assert.deepEqual(started.splice(0), [runId])
})

Deno.test('users, the anonymous key and bad bodies start nothing', async () => {
  for (const role of ['authenticated', 'anon']) {
    assert.equal((await backup(postJson('http://localhost/backup', { role }, { run_id: runId }), start)).status, 403)
  }
  assert.equal((await backup(postJson('http://localhost/backup', { role: 'service_role' }, { run_id: 'x' }), start)).status, 400)
  assert.equal((await backup(new Request('http://localhost/backup'), start)).status, 405)
  assert.deepEqual(started, [])
})

Deno.test('the target must be JSON with bucket and keys, over https except on loopback', () => {
  const target = { endpoint: 'https://fsn1.example.eu', bucket: 'kanzlei', accessKeyId: 'a', secretAccessKey: 's', prefix: 'portal' }
  assert.deepEqual(parseTarget(JSON.stringify(target)), { ...target, prefix: 'portal/', region: 'us-east-1', pathStyle: true })
  const code = (text: string | null) => {
    try {
      parseTarget(text)
      return null
    }
    catch (error) {
      return (error as { code: string }).code
    }
  }
  assert.equal(code(null), 'backup_not_configured')
  assert.equal(code('{'), 'invalid_backup_target')
  assert.equal(code(JSON.stringify({ ...target, endpoint: 'http://s3.example.eu' })), 'invalid_backup_target')
  assert.equal(code(JSON.stringify({ ...target, bucket: '' })), 'invalid_backup_target')
  assert.equal(code(JSON.stringify({ ...target, endpoint: 'http://127.0.0.1:9000' })), null)
})
