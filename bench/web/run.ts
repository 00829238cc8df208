// bench/web: what the portal costs a browser. For each route, the JavaScript (gzip) the page
// loads until it has rendered and the network is quiet — without `<link rel=prefetch>` hints and
// without the service worker's background precache, which the page does not wait for. Then
// Lighthouse 13 (mobile, simulated throttling) on the public pages, three runs each, the median
// kept (its scores swing with the machine's load). Writes bench/results/web.json.
//
//   node bench/web/run.ts [--no-build] [--js-only]   (--js-only: no Lighthouse; the last scores are kept)
//
// Signed-in routes are measured with a made-up session (bench/web/measure.ts). Signed-out deep
// links (a fresh tab: sessions live in sessionStorage, so every new tab starts signed out) open a
// signed-in route without a session and end on the sign-in: what that costs is the sign-in's
// budget, too.
import { execFile, execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { loadConfig } from '../../devstack/src/config.ts'
import { appBuildDir, serveApp } from '../../scripts/serve-app.ts'
import { chromiumPath } from '../../tests/e2e/browser.ts'
import { loadRoute } from './measure.ts'

const config = loadConfig()
const resultsDir = join(config.root, 'bench', 'results')
// A record's route with an id the made-up API knows nothing of: its code loads all the same.
const benchId = '00000000-0000-4000-8000-0000000000be'
const publicRoutes = ['/anmelden', '/passwort-vergessen', '/offline', '/passwort-setzen?type=invite&token_hash=bench']
// Signed out, each of these ends on /anmelden (with the way back in the query).
const deepLinks = ['/tickets/1001', '/verwaltung/konten', '/profil', '/dokumente', '/einladung/annehmen?invitation=bench']
const signedInRoutes = ['/', '/nachrichten', '/chat', '/tickets', '/tickets/neu', '/tickets/1001', '/akten', '/dokumente', '/seiten', '/seiten/seite-bench', '/termine',
  '/verwaltung', '/verwaltung/mandanten', '/verwaltung/mandanten/neu', `/verwaltung/mandanten/${benchId}`, '/verwaltung/gruppen', '/verwaltung/konten',
  '/verwaltung/personal', '/verwaltung/protokoll', '/verwaltung/sicherungen', `/verwaltung/akten/${benchId}`, '/profil', '/sicherheit/einrichten']

interface RouteCost { route: string, scripts: number, jsGzipBytes: number }

async function measureRoute(appUrl: string, route: string, signedIn: boolean, expectPath = route.split('?')[0]!): Promise<RouteCost> {
  const { scripts } = await loadRoute(appUrl, route, { signedIn, expectPath })
  return { route, scripts: scripts.length, jsGzipBytes: scripts.reduce((sum, script) => sum + script.gzipBytes, 0) }
}

interface LighthouseRun { performance: number, accessibility: number, lcpMs: number, tbtMs: number, cls: number }

/** Asynchronous on purpose: the app is served from this very process. */
async function lighthouseRun(url: string): Promise<LighthouseRun> {
  const output = join(resultsDir, 'lighthouse.tmp.json')
  await promisify(execFile)(join(config.root, 'node_modules', '.bin', 'lighthouse'), [
    url, '--quiet', '--output=json', `--output-path=${output}`, '--only-categories=performance,accessibility',
    '--chrome-flags=--headless=new --no-sandbox --disable-gpu',
  ], { env: { ...process.env, CHROME_PATH: chromiumPath } })
  const report = JSON.parse(readFileSync(output, 'utf8')) as {
    categories: Record<string, { score: number }>
    audits: Record<string, { numericValue: number }>
  }
  rmSync(output)
  return {
    performance: Math.round(report.categories.performance!.score * 100),
    accessibility: Math.round(report.categories.accessibility!.score * 100),
    lcpMs: Math.round(report.audits['largest-contentful-paint']!.numericValue),
    tbtMs: Math.round(report.audits['total-blocking-time']!.numericValue),
    cls: Number(report.audits['cumulative-layout-shift']!.numericValue.toFixed(3)),
  }
}

async function lighthouse(url: string, runs = 3): Promise<LighthouseRun & { performanceRuns: number[] }> {
  const results: LighthouseRun[] = []
  for (let run = 0; run < runs; run++) results.push(await lighthouseRun(url))
  results.sort((a, b) => a.performance - b.performance)
  return { ...results[Math.floor(runs / 2)]!, performanceRuns: results.map(run => run.performance) }
}

if (!process.argv.includes('--no-build')) {
  execFileSync(join(config.root, 'node_modules', '.bin', 'nuxi'), ['generate'], { cwd: config.root, stdio: ['ignore', 'ignore', 'inherit'] })
}
const jsOnly = process.argv.includes('--js-only')
mkdirSync(resultsDir, { recursive: true })
const server = await serveApp(appBuildDir(config.root), 0)
const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
try {
  const routes: RouteCost[] = []
  for (const route of publicRoutes) routes.push(await measureRoute(appUrl, route, false))
  for (const route of signedInRoutes) routes.push(await measureRoute(appUrl, route, true))
  const deepLinkCosts: RouteCost[] = []
  for (const route of deepLinks) deepLinkCosts.push(await measureRoute(appUrl, route, false, '/anmelden'))
  const login = routes.find(entry => entry.route === '/anmelden')!
  const largest = routes.reduce((max, entry) => (entry.jsGzipBytes > max.jsGzipBytes ? entry : max))
  const measuredAt = new Date().toISOString()
  // --js-only keeps the Lighthouse scores of the last full run, with the time they were taken.
  const previous = jsOnly ? JSON.parse(readFileSync(join(resultsDir, 'web.json'), 'utf8')) as { measuredAt: string, lighthouseMeasuredAt?: string, lighthouse: object } : null
  const scores: Record<string, Awaited<ReturnType<typeof lighthouse>>> = {}
  if (!jsOnly) {
    for (const route of publicRoutes) scores[route] = await lighthouse(`${appUrl}${route}`)
  }
  const result = {
    measuredAt,
    lighthouseMeasuredAt: previous ? (previous.lighthouseMeasuredAt ?? previous.measuredAt) : measuredAt,
    loadAverage: loadavg().map(value => +value.toFixed(2)),
    budget: { initialJsGzipKB: 150, lighthouseMin: 90 },
    initialJsGzipKB: { login: +(login.jsGzipBytes / 1024).toFixed(1), largest: { route: largest.route, kb: +(largest.jsGzipBytes / 1024).toFixed(1) } },
    routes: routes.map(entry => ({ ...entry, kb: +(entry.jsGzipBytes / 1024).toFixed(1) })),
    signedOutDeepLinks: deepLinkCosts.map(entry => ({ ...entry, endsOn: '/anmelden', kb: +(entry.jsGzipBytes / 1024).toFixed(1) })),
    lighthouse: previous ? previous.lighthouse : scores,
  }
  writeFileSync(join(resultsDir, 'web.json'), `${JSON.stringify(result, null, 2)}\n`)
  console.log('route                     scripts   JS gzip')
  for (const entry of result.routes) console.log(`${entry.route.padEnd(26)}${String(entry.scripts).padStart(7)}${entry.kb.toFixed(1).padStart(9)} KB`)
  for (const entry of result.signedOutDeepLinks) console.log(`${`${entry.route} → /anmelden`.padEnd(26)}${String(entry.scripts).padStart(7)}${entry.kb.toFixed(1).padStart(9)} KB`)
  for (const [route, score] of Object.entries(scores)) {
    console.log(`Lighthouse ${route}: performance ${score.performance} (runs ${score.performanceRuns.join(', ')}), accessibility ${score.accessibility} (LCP ${score.lcpMs} ms, TBT ${score.tbtMs} ms, CLS ${score.cls})`)
  }
  console.log(`written to ${join(resultsDir, 'web.json')}`)
}
finally {
  server.close()
}
