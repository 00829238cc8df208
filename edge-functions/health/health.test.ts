import assert from 'node:assert/strict'
import { health, type HealthChecks } from './health.ts'

const fixedTime = new Date('2026-11-27T10:00:00.000Z')
const checks = (schedulerConfigured: HealthChecks['schedulerConfigured']): HealthChecks => ({ now: () => fixedTime, schedulerConfigured })
const tokenWithRole = (role: string) => `Bearer e30.${btoa(JSON.stringify({ role })).replace(/=+$/, '')}.signature`

Deno.test('health reports ok, the time and an anonymous caller', async () => {
  const response = await health(new Request('http://localhost/health'), checks(async () => true))
  assert.equal(response.status, 200)
  assert.deepEqual(await response.json(), { status: 'ok', time: fixedTime.toISOString(), caller: 'anon', database: 'ok', scheduler: 'configured' })
})

Deno.test('health names the role the bearer token claims', async () => {
  const request = new Request('http://localhost/health', { headers: { Authorization: tokenWithRole('service_role') } })
  const body = await (await health(request, checks(async () => true))).json()
  assert.equal(body.caller, 'service_role')
})

Deno.test('health says when Vault lacks project_url', async () => {
  const body = await (await health(new Request('http://localhost/health'), checks(async () => false))).json()
  assert.equal(body.scheduler, 'project_url missing in Vault')
})

Deno.test('health answers 503 when the database is unreachable', async () => {
  const response = await health(new Request('http://localhost/health'), checks(() => Promise.reject(new Error('connection refused'))))
  assert.equal(response.status, 503)
  assert.equal((await response.json()).database, 'unreachable')
})

Deno.test('health answers the CORS preflight', async () => {
  const response = await health(new Request('http://localhost/health', { method: 'OPTIONS' }), checks(async () => true))
  assert.equal(response.status, 200)
  assert.equal(response.headers.get('access-control-allow-origin'), '*')
  assert.match(response.headers.get('access-control-allow-headers') ?? '', /authorization/)
})
