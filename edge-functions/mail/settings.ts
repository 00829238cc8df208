// What the mail function needs from its environment (secrets on Supabase, edge-functions/.env or
// the devstack locally). SMTP_* use the names of self-hosted Supabase's .env, so the server GoTrue
// sends through can be reused.
import { type Env, type PortalSettings, portalSettings, requiredEnv } from '../_shared/portal-settings.ts'

export interface MailSettings extends PortalSettings {
  from: { name: string, address: string }
}

export interface SmtpSettings {
  host: string
  port: number
  /** Implicit TLS (port 465). Otherwise STARTTLS, required unless the server is on loopback. */
  secure: boolean
  requireTls: boolean
  auth?: { user: string, pass: string }
}

export function mailSettings(env: Env): MailSettings {
  const portal = portalSettings(env)
  return {
    ...portal,
    from: { name: env('SMTP_SENDER_NAME')?.trim() || portal.firmName, address: requiredEnv(env, 'SMTP_ADMIN_EMAIL') },
  }
}

const loopback = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/

export function smtpSettings(env: Env): SmtpSettings {
  const host = requiredEnv(env, 'SMTP_HOST')
  const port = Number(env('SMTP_PORT') || 587)
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`SMTP_PORT is not a port: ${env('SMTP_PORT')}`)
  const secure = env('SMTP_SECURE') ? env('SMTP_SECURE') === 'true' : port === 465
  const user = env('SMTP_USER')
  return {
    host,
    port,
    secure,
    requireTls: !secure && !loopback.test(host),
    auth: user ? { user, pass: env('SMTP_PASS') ?? '' } : undefined,
  }
}
