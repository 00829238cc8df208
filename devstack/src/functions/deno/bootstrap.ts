// Runs one edge function in its own long-lived Deno process (the devstack's stand-in for an
// edge-runtime user worker). Usage: deno run -A bootstrap.ts <entrypoint URL>
// The function is served on an ephemeral loopback port, announced on stdout as one marker line;
// it may call `Deno.serve(handler)` (or `Deno.serve(options, handler)`) or `export default { fetch }`.

const readyMarker = 'devstack-worker-listening'
const entrypoint = Deno.args[0]
if (!entrypoint) throw new Error('usage: bootstrap.ts <entrypoint URL>')

type Handler = Deno.ServeHandler
type ServeOptions = Partial<Deno.ServeTcpOptions> & { handler?: Handler }

const realServe = Deno.serve.bind(Deno)
let serving: Deno.HttpServer | undefined

function serve(handler: Handler, userOptions: ServeOptions = {}): Deno.HttpServer {
  if (serving) throw new Error('An edge function can serve only once: call Deno.serve a single time')
  // The devstack owns address and port; the function keeps its own onError and signal.
  const { onError, signal } = userOptions
  serving = realServe({
    hostname: '127.0.0.1',
    port: 0,
    onError,
    signal,
    onListen: ({ port }) => console.log(`${readyMarker} ${port}`),
  }, handler)
  return serving
}

// Deno.serve(handler) | Deno.serve(options, handler) | Deno.serve({ ...options, handler })
Object.defineProperty(Deno, 'serve', {
  configurable: true,
  value: (first: Handler | ServeOptions, second?: Handler) => {
    if (typeof first === 'function') return serve(first)
    const handler = second ?? first.handler
    if (!handler) throw new TypeError('Deno.serve needs a handler')
    return serve(handler, first)
  },
})

const module = await import(entrypoint) as { default?: { fetch?: Handler } }
const fetchExport = module.default?.fetch
if (!serving && typeof fetchExport === 'function') serve(fetchExport.bind(module.default))
if (!serving) {
  console.error(`${entrypoint} neither calls Deno.serve nor has \`export default { fetch }\``)
  Deno.exit(1)
}
