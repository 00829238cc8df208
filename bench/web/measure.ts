// Loads one route of the served app in Chromium and collects every script it fetches until the
// network is quiet (what bench/web/run.ts sums and bench/web/breakdown.ts takes apart).
//
// Signed-in routes get a made-up session: the API answers only the security state (an admin with
// a factor, so the admin-only Verwaltung routes load too) and the session list (one browser, so
// /profil loads its user-agent parser as a real visit does), everything else 404 as a Supabase
// without data would. That is enough to load each route's code; nothing here talks to a real backend.
import { gzipSync } from 'node:zlib'
import { loadConfig } from '../../devstack/src/config.ts'
import { launchChromium } from '../../tests/e2e/browser.ts'

const config = loadConfig()

export interface LoadedScript { url: string, body: Buffer, gzipBytes: number }
export interface RouteLoad { route: string, landedOn: string, scripts: LoadedScript[] }

function fakeAccessToken(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'bench', aal: 'aal2', amr: [{ method: 'password', timestamp: now }], exp: now + 3600 })}.bench`
}

/** `expectPath`: where the page must end up (the route itself, or the sign-in for a signed-out deep link). */
export async function loadRoute(appUrl: string, route: string, options: { signedIn: boolean, expectPath: string }): Promise<RouteLoad> {
  const browser = await launchChromium()
  try {
    const { page, context } = browser
    if (options.signedIn) {
      const answers: Record<string, unknown> = {
        '/rpc/my_access_state': { persona: 'admin', factors: { totp: 1, email: false }, has_factor: true, grace_period_ends_at: null, step_up_required: false, enrolment_required: false, access_allowed: true },
        '/rpc/my_sessions': [{ id: 'bench', created_at: new Date().toISOString(), refreshed_at: null, user_agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36', ip: '192.0.2.1', current: true }],
      }
      await context.route(`${config.apiUrl}/**`, (request) => {
        const answer = Object.entries(answers).find(([path]) => request.request().url().includes(path))
        return answer
          ? request.fulfill({ json: answer[1] })
          : request.fulfill({ status: 404, json: { message: 'no Route matched with those values' } })
      })
      const now = Math.floor(Date.now() / 1000)
      const session = { access_token: fakeAccessToken(), refresh_token: 'bench', expires_in: 3600, expires_at: now + 3600, token_type: 'bearer', user: { id: 'bench', email: 'bench@kanzlei.example', aud: 'authenticated', app_metadata: {}, user_metadata: {}, created_at: new Date().toISOString() } }
      await context.addInitScript(value => sessionStorage.setItem('portal.auth', value), JSON.stringify(session))
    }
    const bodies: Array<Promise<{ url: string, body: Buffer }>> = []
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script') bodies.push(response.body().then(body => ({ url: response.url(), body })))
    })
    await page.goto(`${appUrl}${route}`, { waitUntil: 'networkidle' })
    const landedOn = new URL(page.url()).pathname
    if (landedOn !== options.expectPath) {
      // The bodies still pending would fail once the browser closes; the wrong landing is the news.
      for (const body of bodies) body.catch(() => {})
      throw new Error(`${route} ended on ${page.url()}, not ${options.expectPath}`)
    }
    const scripts = (await Promise.all(bodies)).map(script => ({ ...script, gzipBytes: gzipSync(script.body).length }))
    return { route, landedOn, scripts }
  }
  finally {
    await browser.close()
  }
}
