// Invite and recovery mails: the templates of `[auth.email.template.*]` sent over SMTP to the
// devstack's sink, from `[local_smtp] admin_email`/`sender_name`. The e-mail rate limit applies as
// in GoTrue (mail.go): only when confirmations are on, and always refusing when email_sent is 0.
import { readFileSync } from 'node:fs'
import { createTransport } from 'nodemailer'
import type { DevstackConfig } from '../config.ts'
import { smtpEndpoint } from '../shared/smtp.ts'
import { tooManyRequests } from './errors.ts'
import type { TokenBucketLimiter } from './ratelimit.ts'
import type { AuthSettings, EmailTemplate } from './settings.ts'
import { renderTemplate, type TemplateData } from './template.ts'

export type MailKind = 'invite' | 'recovery'

export interface AuthMailer {
  send: (kind: MailKind, to: string, data: TemplateData) => Promise<void>
}

/** GoTrue's built-in bodies, used when config.toml names no content_path. */
const defaultBodies: Record<MailKind, string> = {
  invite: '<h2>You have been invited</h2><p>You have been invited to create a user on {{ .SiteURL }}. Follow this link to accept the invite:</p><p><a href="{{ .ConfirmationURL }}">Accept the invite</a></p>',
  recovery: '<h2>Reset Password</h2><p>Follow this link to reset the password for your user:</p><p><a href="{{ .ConfirmationURL }}">Reset Password</a></p>',
}

export function createMailer(config: DevstackConfig, settings: AuthSettings, emailLimiter: TokenBucketLimiter): AuthMailer {
  const { host, port } = smtpEndpoint(config)
  const transport = createTransport({ host, port, secure: false, ignoreTLS: true })
  const body = (template: EmailTemplate, kind: MailKind) => (template.contentPath ? readFileSync(template.contentPath, 'utf8') : defaultBodies[kind])
  return {
    async send(kind, to, data) {
      if (settings.rateLimits.emailSent === 0 || (!settings.mailerAutoconfirm && !emailLimiter.take('email_functions'))) {
        throw tooManyRequests('over_email_send_rate_limit', 'Email rate limit exceeded')
      }
      const template = settings.templates[kind]
      await transport.sendMail({
        from: { name: settings.sender.name, address: settings.sender.email },
        to,
        subject: renderTemplate(template.subject, data, false),
        html: renderTemplate(body(template, kind), data),
      })
    },
  }
}
