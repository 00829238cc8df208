// Serves the generated PWA (.output/public) on 127.0.0.1 the way a static host or reverse proxy
// would: gzip, long caching for hashed assets, no caching for the service worker and the HTML, and
// the SPA fallback (200.html) for paths without a file. Used by the e2e suite and bench/web;
// `node scripts/serve-app.ts [port]` serves it by hand.
import { createServer, type Server } from 'node:http'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { extname, join, normalize, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { loadConfig } from '../devstack/src/config.ts'

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
}
const compressible = new Set(['.html', '.js', '.css', '.json', '.webmanifest', '.svg', '.txt'])

export const appBuildDir = (root: string) => join(root, '.output', 'public')

function resolveFile(root: string, urlPath: string): string | null {
  const candidate = normalize(join(root, decodeURIComponent(urlPath)))
  if (!candidate.startsWith(root)) return null
  if (existsSync(candidate) && statSync(candidate).isFile()) return candidate
  const index = join(candidate, 'index.html')
  if (existsSync(index)) return index
  // A path without an extension is a client-side route: the SPA shell handles it.
  return extname(urlPath) === '' ? join(root, '200.html') : null
}

export function serveApp(buildDir: string, port: number): Promise<Server> {
  const root = resolve(buildDir)
  const gzipCache = new Map<string, Buffer>()
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const file = resolveFile(root, url.pathname)
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(file ? 405 : 404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(file ? 'Method not allowed' : 'Not found')
      return
    }
    const ext = extname(file)
    const hashedAsset = url.pathname.startsWith('/_nuxt/')
    const headers: Record<string, string> = {
      'Content-Type': contentTypes[ext] ?? 'application/octet-stream',
      'Cache-Control': hashedAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Vary': 'Accept-Encoding',
    }
    let body: Buffer = readFileSync(file)
    if (compressible.has(ext) && /\bgzip\b/.test(String(req.headers['accept-encoding']))) {
      // Keyed by modification time too: a new build in the same folder must not be served stale.
      const key = `${file}:${statSync(file).mtimeMs}`
      const cached = gzipCache.get(key) ?? gzipSync(body)
      gzipCache.set(key, cached)
      body = cached
      headers['Content-Encoding'] = 'gzip'
    }
    headers['Content-Length'] = String(body.length)
    res.writeHead(200, headers)
    res.end(req.method === 'HEAD' ? undefined : body)
  })
  return new Promise((resolveListen, rejectListen) => {
    server.once('error', rejectListen)
    server.listen(port, '127.0.0.1', () => resolveListen(server))
  })
}

if (import.meta.main) {
  const config = loadConfig()
  const port = Number(process.argv[2] ?? config.ports.app)
  await serveApp(appBuildDir(config.root), port)
  console.log(`Portal (static build) on http://127.0.0.1:${port}`)
}
