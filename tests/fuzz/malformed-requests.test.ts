// Every request of the malformed-request catalogue (catalogue.ts) against the running API: no
// answer is a 5xx other than a deliberate 501, every error body has its service's shape, and the
// services are healthy afterwards. The catalogue runs against a real Supabase as well.
import { afterAll, describe, expect, it } from 'vitest'
import { testEnv } from '../helpers/env.ts'
import { closeDb } from '../helpers/personas.ts'
import { catalogue, type FuzzRequest, type Service } from './catalogue.ts'

afterAll(closeDb)

interface Answer { request: FuzzRequest, status: number, contentType: string, text: string }

async function send(request: FuzzRequest): Promise<Answer> {
  try {
    const response = await fetch(`${testEnv.supabaseUrl}${request.path}`, { method: request.method, headers: request.headers, body: request.body, redirect: 'manual' })
    return { request, status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() }
  }
  catch (error) {
    // A connection the server cut without an answer counts as a failure too.
    return { request, status: 599, contentType: '', text: String((error as Error).cause ?? error) }
  }
}

const keys = (value: unknown) => (value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value).sort() : null)
const isString = (value: unknown) => typeof value === 'string'

/** The error body each service sends (Kong's own refusals are `{message}` everywhere). */
const shapes: Record<Service, (body: Record<string, unknown>) => boolean> = {
  rest: body => JSON.stringify(keys(body)) === '["code","details","hint","message"]' && isString(body.code) && isString(body.message),
  // {code, message} for clients of API version 2024-01-01, {code: status, error_code, msg} for older ones.
  auth: body => (isString(body.code) && isString(body.message)) || (typeof body.code === 'number' && isString(body.error_code) && isString(body.msg))
    || (isString(body.error) && isString(body.error_description)),
  storage: body => isString(body.message) && (isString(body.statusCode) || typeof body.statusCode === 'number') && isString(body.error),
  functions: () => true,
  // Realtime's own refusals are {message}; its validation failures Phoenix changeset errors.
  realtime: body => isString(body.message) || Boolean(body.errors && typeof body.errors === 'object'),
}

function problems(answer: Answer): string[] {
  const found: string[] = []
  const { request, status } = answer
  if (status >= 500 && status !== 501) found.push(`${status} ${answer.text.slice(0, 200)}`)
  if (status < 400 || request.service === 'functions' || !answer.contentType.includes('json')) return found
  let body: Record<string, unknown>
  try {
    body = JSON.parse(answer.text) as Record<string, unknown>
  }
  catch {
    return [...found, 'error body is no JSON']
  }
  const kongRefusal = JSON.stringify(keys(body)) === '["message"]' && [401, 404].includes(status)
  if (!kongRefusal && !shapes[request.service](body)) found.push(`body not in ${request.service}'s shape: ${answer.text.slice(0, 160)}`)
  return found
}

describe('the malformed-request catalogue', () => {
  it('gets no 5xx (but deliberate 501s) and errors in each service\'s shape', async () => {
    const all = await catalogue()
    // Bodies over the limits go alone: a server may close the connection without reading them.
    const huge = all.filter(request => (request.body?.length ?? 0) > 1024 * 1024)
    const requests = all.filter(request => !huge.includes(request))
    const answers: Answer[] = []
    // A handful at a time: the point is the answers, not load.
    for (let i = 0; i < requests.length; i += 12) answers.push(...await Promise.all(requests.slice(i, i + 12).map(send)))
    for (const request of huge) answers.push(await send(request))
    const failures = answers.flatMap(answer => problems(answer).map(problem => `${answer.request.service} ${answer.request.method} ${answer.request.path.slice(0, 80)} [${answer.request.label}]: ${problem}`))
    expect(failures).toEqual([])
    expect(answers.length).toBeGreaterThan(500)
  }, 60_000)

  it('leaves every service healthy', async () => {
    const headers = { apikey: testEnv.anonKey, Authorization: `Bearer ${testEnv.anonKey}` }
    for (const path of ['/auth/v1/health', '/rest/v1/', '/storage/v1/bucket', '/functions/v1/health']) {
      const response = await fetch(`${testEnv.supabaseUrl}${path}`, { headers })
      expect(response.status, path).toBe(200)
    }
  })
})
