// The devstack's Auth: a GoTrue v2.189 twin at /auth/v1 for what the portal and supabase-js use
// (password sign-in, refresh rotation, sign-out scopes, the user, admin users, invite and
// recovery links, TOTP MFA, hooks, rate limits). What it leaves out answers with GoTrue's error or
// a clear 501, never silently (devstack/README.md lists both).
import type { HttpService } from '../gateway/server.ts'
import type { DevstackContext, DevstackModule, ModuleFactory } from '../modules.ts'
import { connect } from '../shared/db.ts'
import { sendJson } from '../shared/http.ts'
import { adminUser, adminUserFactor, adminUserFactors, createUser, listUsers } from './admin-routes.ts'
import { type AuthService, type RequestContext, requestContext } from './context.ts'
import { AuthError, badRequest, internalError, notFound, notImplemented, sendAuthError } from './errors.ts'
import { generateLink, invite, magicLinkRoute, otp, reauthenticate, recover, resend, verify } from './link-routes.ts'
import { signup } from './signup-routes.ts'
import { createMailer } from './mailer.ts'
import { challenge, enroll, unenroll, verifyFactor } from './mfa-routes.ts'
import { createLimiters } from './ratelimit.ts'
import { getUser, logout, token, updateUser } from './session-routes.ts'
import { type AuthSettings, loadAuthSettings } from './settings.ts'

type Handler = (auth: AuthService, ctx: RequestContext) => Promise<void> | void

/**
 * A NUL (or a byte no UTF-8 has) in a string of the request, refused by Postgres (22021, 22P05).
 * GoTrue passes such values on too and answers 500 "Database error …"; the devstack answers 400.
 */
const isUnstorableText = (error: unknown) =>
  (error as { name?: string })?.name === 'PostgresError' && ['22021', '22P05'].includes((error as { code?: string }).code ?? '')

interface Route { methods: string[], pattern: RegExp, handler: Handler }

/** `:name` segments become `ctx.params.name`. */
const route = (methods: string[], path: string, handler: Handler): Route =>
  ({ methods, pattern: new RegExp(`^${path.replace(/:(\w+)/g, '(?<$1>[^/]+)')}/?$`), handler })

/** GoTrue's `GET /settings` for this configuration: only e-mail logins exist here. */
function settingsBody(settings: AuthSettings) {
  const providers = ['anonymous_users', 'apple', 'azure', 'bitbucket', 'discord', 'facebook', 'figma', 'fly', 'github', 'gitlab', 'google', 'keycloak', 'kakao', 'linkedin', 'linkedin_oidc', 'notion', 'spotify', 'slack', 'slack_oidc', 'workos', 'twitch', 'twitter', 'x', 'zoom', 'email', 'phone']
  const external = Object.fromEntries(providers.map(name => [name, (name === 'email' && settings.emailProviderEnabled) || (name === 'anonymous_users' && settings.enableAnonymousSignIns)]))
  return {
    external,
    disable_signup: !settings.enableSignup,
    mailer_autoconfirm: settings.mailerAutoconfirm,
    phone_autoconfirm: false,
    sms_provider: '',
    saml_enabled: false,
  }
}

const routes: Route[] = [
  route(['GET'], '/health', (_auth, ctx) => sendJson(ctx.res, 200, { version: 'v2.189.0', name: 'GoTrue', description: 'GoTrue is a user registration and authentication API' })),
  route(['GET'], '/\\.well-known/jwks\\.json', (auth, ctx) => sendJson(ctx.res, 200, auth.jwt.jwks)),
  route(['GET'], '/settings', (auth, ctx) => sendJson(ctx.res, 200, settingsBody(auth.settings))),
  route(['POST'], '/token', token),
  route(['POST'], '/logout', logout),
  route(['GET'], '/user', getUser),
  route(['PUT'], '/user', updateUser),
  route(['POST'], '/recover', recover),
  route(['GET', 'POST'], '/verify', verify),
  route(['POST'], '/invite', invite),
  route(['POST'], '/signup', signup),
  route(['POST'], '/factors', enroll),
  route(['POST'], '/factors/:factorId/challenge', challenge),
  route(['POST'], '/factors/:factorId/verify', verifyFactor),
  route(['DELETE'], '/factors/:factorId', unenroll),
  route(['GET'], '/admin/users', listUsers),
  route(['POST'], '/admin/users', createUser),
  route(['GET', 'PUT', 'DELETE'], '/admin/users/:userId', adminUser),
  route(['GET'], '/admin/users/:userId/factors', adminUserFactors),
  route(['PUT', 'DELETE'], '/admin/users/:userId/factors/:factorId', adminUserFactor),
  route(['POST'], '/admin/generate_link', generateLink),
  route(['GET'], '/authorize', () => {
    throw badRequest('validation_failed', 'Unsupported provider: provider is not enabled')
  }),
  route(['GET', 'POST'], '/callback', () => {
    throw badRequest('validation_failed', 'OAuth state parameter missing')
  }),
  route(['POST'], '/sso', () => {
    throw notFound('saml_provider_disabled', 'SAML 2.0 is disabled')
  }),
  route(['GET', 'DELETE'], '/user/identities(?:/.*)?', (auth) => {
    if (!auth.settings.enableManualLinking) throw notFound('manual_linking_disabled', 'Manual linking is disabled')
    throw notImplemented('Identity linking')
  }),
  route(['POST'], '/otp', otp),
  route(['POST'], '/magiclink', magicLinkRoute),
  route(['POST'], '/resend', resend),
  route(['GET'], '/reauthenticate', reauthenticate),
]

export function createAuthService(auth: AuthService): HttpService {
  return {
    prefix: '/auth/v1',
    checksApiKey: true,
    openPaths: ['/verify', '/callback', '/authorize', '/.well-known/jwks.json'],
    async handle(req, res, path) {
      const ctx = requestContext(req, res, path)
      const matching = routes.map(candidate => ({ candidate, match: candidate.pattern.exec(ctx.url.pathname) })).filter(entry => entry.match)
      try {
        if (!matching.length) throw notFound('not_found', 'Requested path is invalid')
        const found = matching.find(entry => entry.candidate.methods.includes(req.method ?? 'GET'))
        if (!found) throw new AuthError(405, 'method_not_allowed', `Method ${req.method} not allowed`)
        ctx.params = { ...found.match!.groups }
        await found.candidate.handler(auth, ctx)
      }
      catch (error) {
        if (error instanceof AuthError) {
          sendAuthError(req, res, error)
          return
        }
        if (isUnstorableText(error)) {
          sendAuthError(req, res, badRequest('validation_failed', 'Unable to process request: a value holds a character the database cannot store'))
          return
        }
        // GoTrue's answer to anything else, e.g. a database trigger refusing a write.
        console.error(`[auth] ${req.method} ${ctx.url.pathname} failed:`, (error as Error).message)
        sendAuthError(req, res, internalError('Unexpected failure, please check server logs for more information'))
      }
    },
    close: () => auth.sql.end({ timeout: 5 }),
  }
}

export function createAuth(context: DevstackContext): AuthService {
  const settings = loadAuthSettings(context.config)
  const limiters = createLimiters(settings.rateLimits)
  return {
    settings,
    sql: connect(context.config, 'supabase_auth_admin'),
    jwt: context.jwt,
    limiters,
    mailer: createMailer(context.config, settings, limiters.email),
    usedTotpSteps: new Map(),
  }
}

export const authModule: ModuleFactory = (context): DevstackModule => {
  const auth = createAuth(context)
  return {
    name: 'auth',
    services: [createAuthService(auth)],
    start: async () => {
      await auth.sql`select 1 from auth.users limit 1`
    },
    describe: () => [`auth       ${auth.settings.issuer} (GoTrue v2.189 twin)`],
  }
}
