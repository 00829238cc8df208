// Edge Functions through supabase-js `functions.invoke` (contract §5): body encodings both ways,
// verify_jwt, unknown names, CORS answered by the function, headers passed through, streaming.
// Needs the project's `echo` and `health` functions deployed when run against a real Supabase.
import { randomUUID } from 'node:crypto'
import { createClient, FunctionsHttpError } from '@supabase/supabase-js'
import { decodeJwt } from 'jose'
import { afterAll, describe, expect, it } from 'vitest'
import { testEnv } from '../helpers/env.ts'
import { anonClient, closeDb, createPersona } from '../helpers/personas.ts'

const functionsUrl = `${testEnv.supabaseUrl}/functions/v1`
const clientOptions = { auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } }

afterAll(closeDb)

async function httpError(error: unknown): Promise<{ status: number, body: string }> {
  expect(error).toBeInstanceOf(FunctionsHttpError)
  const response = (error as FunctionsHttpError).context as Response
  return { status: response.status, body: await response.text() }
}

describe('functions.invoke bodies', () => {
  it('sends a JSON object and gets JSON back', async () => {
    const payload = { greeting: 'Grüß Gott', items: [1, 2, 3], nested: { ok: true } }
    const { data, error } = await anonClient().functions.invoke('echo', { body: payload })
    expect(error).toBeNull()
    expect(data).toEqual(payload)
  })

  it('sends a string as text/plain and gets text back', async () => {
    const { data, error } = await anonClient().functions.invoke('echo', { body: 'Mandant: Müller & Söhne' })
    expect(error).toBeNull()
    expect(data).toBe('Mandant: Müller & Söhne')
  })

  it('sends binary as application/octet-stream and gets a Blob back', async () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i)
    const { data, error } = await anonClient().functions.invoke('echo', { body: new Blob([bytes]) })
    expect(error).toBeNull()
    expect(data).toBeInstanceOf(Blob)
    expect(new Uint8Array(await (data as Blob).arrayBuffer())).toEqual(bytes)
  })

  it('streams a request body to the function', async () => {
    const parts = ['erster Teil, ', 'zweiter Teil, ', 'dritter Teil']
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of parts) controller.enqueue(new TextEncoder().encode(part))
        controller.close()
      },
    })
    const response = await fetch(`${functionsUrl}/echo`, {
      method: 'POST',
      body,
      duplex: 'half',
      headers: { 'apikey': testEnv.anonKey, 'Authorization': `Bearer ${testEnv.anonKey}`, 'Content-Type': 'text/plain' },
    } as RequestInit)
    expect(response.status).toBe(200)
    expect(await response.text()).toBe(parts.join(''))
  })

  it('streams the response: the first event arrives before the last is written', async () => {
    const { data, error } = await anonClient().functions.invoke('echo/stream?events=3', { method: 'GET' })
    expect(error).toBeNull()
    const reader = (data as Response).body!.pipeThrough(new TextDecoderStream()).getReader()
    let received = (await reader.read()).value ?? ''
    // A buffering proxy would hand over the whole body at once.
    expect(received).toContain('"event":1')
    expect(received).not.toContain('"event":3')
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) received += chunk.value
    expect(received.match(/^data: /gm)).toHaveLength(3)
  })
})

describe('functions.invoke authorization', () => {
  it('passes the signed-in user\'s Authorization and the apikey through unchanged', async () => {
    const persona = await createPersona('functions-caller')
    const { data, error } = await persona.client.functions.invoke('echo/request/sub/path?x=1', { method: 'GET' })
    expect(error).toBeNull()
    expect(data).toMatchObject({
      method: 'GET',
      path: '/echo/request/sub/path',
      query: { x: '1' },
      authorization: `Bearer ${persona.accessToken}`,
      apikey: testEnv.anonKey,
    })
  })

  it('gives the function an anon JWT when the caller uses the publishable key', async () => {
    const client = createClient(testEnv.supabaseUrl, testEnv.publishableKey, clientOptions)
    const { data, error } = await client.functions.invoke('echo/request', { method: 'GET' })
    expect(error).toBeNull()
    const bearer = String(data.authorization).replace(/^Bearer /, '')
    expect(decodeJwt(bearer).role).toBe('anon')
  })

  it('refuses an invalid JWT with 401 {"msg":"Invalid JWT"} when verify_jwt is on', async () => {
    const forged = createClient(testEnv.supabaseUrl, testEnv.anonKey, { ...clientOptions, accessToken: async () => `${testEnv.anonKey.slice(0, -6)}forged` })
    const { data, error } = await forged.functions.invoke('echo', { body: { a: 1 } })
    expect(data).toBeNull()
    const refusal = await httpError(error)
    expect(refusal.status).toBe(401)
    expect(JSON.parse(refusal.body)).toEqual({ msg: 'Invalid JWT' })
  })

  it('refuses a request without any key or token when verify_jwt is on', async () => {
    const response = await fetch(`${functionsUrl}/echo`, { method: 'POST', body: 'x' })
    expect(response.status).toBe(401)
  })

  it('lets anyone call a function with verify_jwt = false, and the function sees who claims to call', async () => {
    const anonymous = await fetch(`${functionsUrl}/health`)
    expect(anonymous.status).toBe(200)
    expect(await anonymous.json()).toMatchObject({ status: 'ok', caller: 'anon', database: 'ok' })
    const persona = await createPersona('functions-health')
    const { data, error } = await persona.client.functions.invoke('health', { method: 'GET' })
    expect(error).toBeNull()
    expect(data).toMatchObject({ status: 'ok', caller: 'authenticated' })
  })
})

describe('functions routing and CORS', () => {
  it('answers 404 for a function that does not exist', async () => {
    const { data, error } = await anonClient().functions.invoke(`no-such-function-${randomUUID().slice(0, 8)}`, { body: {} })
    expect(data).toBeNull()
    expect((await httpError(error)).status).toBe(404)
  })

  it('lets the function answer the CORS preflight itself, without a token', async () => {
    const response = await fetch(`${functionsUrl}/echo`, {
      method: 'OPTIONS',
      headers: { 'Origin': 'http://127.0.0.1:3000', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, apikey, content-type, x-client-info' },
    })
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('ok')
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    expect(response.headers.get('access-control-allow-headers')).toMatch(/authorization.*x-client-info.*apikey.*content-type/)
  })
})
