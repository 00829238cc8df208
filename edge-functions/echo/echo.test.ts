import assert from 'node:assert/strict'
import { echo } from './echo.ts'

Deno.test('echo returns the body with its content type', async () => {
  const response = echo(new Request('http://localhost/echo', { method: 'POST', body: 'Grüße', headers: { 'Content-Type': 'text/plain' } }))
  assert.equal(response.headers.get('content-type'), 'text/plain')
  assert.equal(await response.text(), 'Grüße')
})

Deno.test('echo describes the request it received, sub-path and auth headers included', async () => {
  const request = new Request('http://localhost/echo/request/a/b?x=1', { headers: { Authorization: 'Bearer t', apikey: 'k' } })
  assert.deepEqual(await echo(request).json(), {
    method: 'GET', path: '/echo/request/a/b', query: { x: '1' }, authorization: 'Bearer t', apikey: 'k', contentType: null,
  })
})

Deno.test('echo streams server-sent events one by one', async () => {
  const response = echo(new Request('http://localhost/echo/stream?events=2'), { intervalMs: 1 })
  assert.equal(response.headers.get('content-type'), 'text/event-stream')
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
  assert.equal((await reader.read()).value, 'data: {"event":1,"of":2}\n\n')
  assert.equal((await reader.read()).value, 'data: {"event":2,"of":2}\n\n')
  assert.equal((await reader.read()).done, true)
})
