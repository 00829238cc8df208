// A diagnostic function for the Functions contract tests (and for anyone checking a deployment):
// it reflects the caller's own request and never touches data.
//   POST /echo                 → the request body back, with the request's Content-Type
//   ANY  /echo/request[/...]   → JSON: method, path, query and the auth headers that arrived
//   GET  /echo/stream?events=N → N server-sent events, one every `intervalMs`
import { corsHeaders, json, preflight } from '../_shared/cors.ts'

export interface EchoOptions {
  intervalMs: number
}

export function echo(req: Request, options: EchoOptions = { intervalMs: 100 }): Response {
  const cors = preflight(req)
  if (cors) return cors
  const url = new URL(req.url)
  // The runtime hands the function the path from /<function name> on.
  const rest = url.pathname.split('/').slice(2)
  if (rest[0] === 'request') {
    return json({
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.get('authorization'),
      apikey: req.headers.get('apikey'),
      contentType: req.headers.get('content-type'),
    })
  }
  if (rest[0] === 'stream') {
    const events = Math.min(Number(url.searchParams.get('events') ?? 3) || 3, 20)
    return new Response(eventStream(events, options.intervalMs), {
      headers: { ...corsHeaders, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' },
    })
  }
  return new Response(req.body, {
    headers: { ...corsHeaders, 'Content-Type': req.headers.get('content-type') ?? 'application/octet-stream' },
  })
}

function eventStream(events: number, intervalMs: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  let sent = 0
  return new ReadableStream({
    async pull(controller) {
      if (sent > 0) await new Promise(resolveWait => setTimeout(resolveWait, intervalMs))
      sent++
      controller.enqueue(encoder.encode(`data: ${JSON.stringify({ event: sent, of: events })}\n\n`))
      if (sent === events) controller.close()
    },
  })
}
