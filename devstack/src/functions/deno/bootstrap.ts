// Runs one edge function in its own long-lived Deno process (the devstack's stand-in for an
// edge-runtime user worker). Usage: deno run -A bootstrap.ts <entrypoint URL> <socket path>
// The function is served on a Unix socket the devstack names (no TCP port: one from the ephemeral
// range could be one the next devstack instance needs), announced on stdout as one marker line;
// it may call `Deno.serve(handler)` (or `Deno.serve(options, handler)`) or `export default { fetch }`.

const readyMarker = 'devstack-worker-listening'
const [entrypoint, socketPath] = Deno.args
if (!entrypoint || !socketPath) throw new Error('usage: bootstrap.ts <entrypoint URL> <socket path>')

// stdin is a pipe from the devstack: when it closes, the devstack is gone (even killed), so is the worker.
void (async () => {
  for await (const _chunk of Deno.stdin.readable) {
    // Nothing is ever sent; only the end matters.
  }
  Deno.exit(0)
})()

type Handler = Deno.ServeHandler
type ServeOptions = Partial<Deno.ServeTcpOptions> & { handler?: Handler }

/** Over a Unix socket Deno's req.url starts with http+unix:; the function sees it as edge-runtime serves it. */
function asTcpRequest(req: Request): Request {
  return req.url.startsWith('http+unix:') ? new Request(`http:${req.url.slice('http+unix:'.length)}`, req) : req
}

const realServe = Deno.serve.bind(Deno)
let serving: Deno.HttpServer | undefined

function serve(handler: Handler, userOptions: ServeOptions = {}): Deno.HttpServer {
  if (serving) throw new Error('An edge function can serve only once: call Deno.serve a single time')
  // The devstack owns address and port; the function keeps its own onError and signal.
  const { onError, signal } = userOptions
  serving = realServe({
    path: socketPath!,
    onError,
    signal,
    onListen: () => console.log(readyMarker),
  }, (req, info) => handler(asTcpRequest(req), info))
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
