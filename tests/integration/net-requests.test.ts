// pg_net as migrations and jobs use it: requests queued by net.http_* are sent after commit and
// their outcome lands in net._http_response under the returned id. URLs are built from Vault's
// `project_url`, so the same test runs where the database reaches the API under another name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testEnv } from '../helpers/env.ts'
import { closeDb, db } from '../helpers/personas.ts'

interface NetResponse {
  status_code: number | null
  content_type: string | null
  content: string | null
  headers: Record<string, string> | null
  timed_out: boolean | null
  error_msg: string | null
}

let projectUrl: string

beforeAll(async () => {
  const [secret] = await db()<Array<{ decrypted_secret: string }>>`
    select decrypted_secret from vault.decrypted_secrets where name = 'project_url'`
  expect(secret, 'the seed stores project_url in Vault').toBeDefined()
  projectUrl = secret!.decrypted_secret
})

afterAll(closeDb)

async function responseTo(id: string, timeoutMs = 15_000): Promise<NetResponse> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const [row] = await db()<NetResponse[]>`
      select status_code, content_type, content, headers, timed_out, error_msg from net._http_response where id = ${id}`
    if (row) return row
    if (Date.now() > deadline) throw new Error(`no response recorded for request ${id}`)
    await new Promise(resolveWait => setTimeout(resolveWait, 200))
  }
}

const authHeaders = () => ({ Authorization: `Bearer ${testEnv.anonKey}` })

describe('net.http_* requests', () => {
  it('sends a GET after commit and records status, type, headers and content', async () => {
    const [{ id }] = await db()<[{ id: string }]>`select net.http_get(${`${projectUrl}/functions/v1/health`}) as id`
    const response = await responseTo(id)
    expect(response).toMatchObject({ status_code: 200, timed_out: false, error_msg: null })
    expect(response.content_type).toMatch(/^application\/json/)
    expect(JSON.parse(response.content!)).toMatchObject({ status: 'ok' })
    expect(Object.keys(response.headers!).map(name => name.toLowerCase())).toContain('content-type')
  })

  it('sends a POST with its JSON body and headers', async () => {
    const body = { matter: 'Az. 12/26', umlauts: 'äöü' }
    const [{ id }] = await db()<[{ id: string }]>`
      select net.http_post(${`${projectUrl}/functions/v1/echo`}, ${db().json(body)}, headers := ${db().json(authHeaders())}) as id`
    const response = await responseTo(id)
    expect(response.status_code).toBe(200)
    expect(JSON.parse(response.content!)).toEqual(body)
  })

  it('records the function\'s refusal like any other answer', async () => {
    const [{ id }] = await db()<[{ id: string }]>`select net.http_post(${`${projectUrl}/functions/v1/echo`}) as id`
    expect(await responseTo(id)).toMatchObject({ status_code: 401, timed_out: false })
  })

  it('sends nothing when the transaction rolls back', async () => {
    let id = ''
    const rolledBack = new Error('roll back')
    await expect(db().begin(async (sql) => {
      const [queued] = await sql<[{ id: string }]>`select net.http_get(${`${projectUrl}/functions/v1/health`}) as id`
      id = queued.id
      throw rolledBack
    })).rejects.toBe(rolledBack)
    await new Promise(resolveWait => setTimeout(resolveWait, 1_000))
    const rows = await db()`select 1 from net._http_response where id = ${id}`
    expect(rows).toHaveLength(0)
  })

  it('gives up after timeout_milliseconds and records timed_out', async () => {
    const [{ id }] = await db()<[{ id: string }]>`
      select net.http_get(${`${projectUrl}/functions/v1/echo/stream?events=10`}, headers := ${db().json(authHeaders())}, timeout_milliseconds := 300) as id`
    const response = await responseTo(id)
    expect(response).toMatchObject({ status_code: null, timed_out: true })
    expect(response.error_msg).toMatch(/^Timeout of 300 ms reached/)
  })
})

describe.runIf(testEnv.isDevstack)('the devstack\'s pg_net stand-in', () => {
  it('never sends to a host outside the loopback range and says so', async () => {
    const [{ id }] = await db()<[{ id: string }]>`select net.http_get('http://192.0.2.10/should-not-be-sent') as id`
    const response = await responseTo(id)
    expect(response).toMatchObject({ status_code: null, timed_out: false })
    expect(response.error_msg).toMatch(/192\.0\.2\.10 is not a loopback address, so the request was not sent/)
  })

  it('also sends requests whose notification it missed (found by polling)', async () => {
    const [{ id }] = await db()<[{ id: string }]>`
      insert into net.http_request_queue (method, url, headers, timeout_milliseconds)
      values ('GET', ${`${projectUrl}/functions/v1/health`}, '{}', 5000) returning id`
    expect(await responseTo(id)).toMatchObject({ status_code: 200 })
    expect(await db()`select 1 from net.http_request_queue where id = ${id}`).toHaveLength(0)
  })
})
