// Sign-in throttling that a rotating X-Forwarded-For cannot get around: the gateway keeps the
// header only from a trusted proxy (DEVSTACK_TRUSTED_PROXIES; `make test` trusts 127.0.0.1, where
// the tests play the portal's front proxy), and the per-account limit lives in Postgres (the
// password-verification hook), keyed by the account, whatever address a request claims.
import { request } from 'node:http'
import { randomInt } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { authFetch, createTestUser, testIp } from '../helpers/auth.ts'
import { testEnv } from '../helpers/env.ts'
import { closeDb } from '../helpers/personas.ts'

afterAll(closeDb)

/** A wrong-password sign-in sent from `localAddress` (a loopback address of this machine). */
function signInFrom(localAddress: string, forwardedFor: string): Promise<number> {
  const url = new URL(`${testEnv.supabaseUrl}/auth/v1/token?grant_type=password`)
  const body = JSON.stringify({ email: 'nobody@test.example', password: 'irrelevant-password' })
  return new Promise((resolveStatus, rejectStatus) => {
    const outgoing = request({
      host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: 'POST', localAddress,
      headers: { 'apikey': testEnv.anonKey, 'Content-Type': 'application/json', 'X-Forwarded-For': forwardedFor, 'Content-Length': Buffer.byteLength(body) },
    }, (answer) => {
      answer.resume()
      answer.on('end', () => resolveStatus(answer.statusCode ?? 0))
    })
    outgoing.on('error', rejectStatus)
    outgoing.end(body)
  })
}

describe.runIf(testEnv.isDevstack)('the client address behind the gateway', () => {
  it('ignores the X-Forwarded-For of an untrusted peer: rotating it does not stop the per-IP limit', async () => {
    const peer = `127.0.${randomInt(1, 255)}.${randomInt(2, 255)}`
    const statuses: number[] = []
    for (let attempt = 0; attempt < 45 && !statuses.includes(429); attempt++) statuses.push(await signInFrom(peer, testIp()))
    expect(statuses[0]).toBe(400)
    expect(statuses).toContain(429)
  })

  it('keeps the address a trusted proxy names, so each client it serves has its own bucket', async () => {
    const statuses: number[] = []
    for (let attempt = 0; attempt < 35; attempt++) statuses.push(await signInFrom('127.0.0.1', testIp()))
    expect(statuses.every(status => status === 400)).toBe(true)
  })
})

describe('the per-account limit', () => {
  it('holds whatever address each attempt claims', async () => {
    const user = await createTestUser('throttled')
    for (let attempt = 0; attempt < 3; attempt++) {
      const wrong = await authFetch('/token?grant_type=password', { method: 'POST', ip: testIp(), body: { email: user.email, password: 'wrong-password-123' } })
      expect(await wrong.json()).toMatchObject({ code: 'invalid_credentials', message: 'Invalid login credentials' })
    }
    // Within the delay after three failures even the right password, from yet another address, waits.
    const right = await authFetch('/token?grant_type=password', { method: 'POST', ip: testIp(), body: { email: user.email, password: user.password } })
    expect(right.status).toBe(400)
    expect(await right.json()).toMatchObject({ code: 'invalid_credentials', message: 'login_throttled' })
  })
})
