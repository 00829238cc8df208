// Auth's mails: the templates of `[auth.email.template.*]` sent over SMTP to the devstack's sink,
// from `[local_smtp] admin_email`/`sender_name`. The e-mail rate limit applies as in GoTrue
// (mail.go): only when confirmations are on, and always refusing when email_sent is 0.
import { readFileSync } from 'node:fs'
import { createTransport } from 'nodemailer'
import type { DevstackConfig } from '../config.ts'
import { smtpEndpoint } from '../shared/smtp.ts'
import { tooManyRequests } from './errors.ts'
import type { TokenBucketLimiter } from './ratelimit.ts'
import type { AuthSettings, EmailTemplate, MailKind } from './settings.ts'
import { renderTemplate, type TemplateData } from './template.ts'

export interface AuthMailer {
  send: (kind: MailKind, to: string, data: TemplateData) => Promise<void>
}

/** Plain bodies for a template config.toml leaves without content_path. */
const defaultBodies: Record<MailKind, string> = {
  invite: '<p>You are invited to {{ .SiteURL }}: <a href="{{ .ConfirmationURL }}">accept the invitation</a> or enter the code {{ .Token }}.</p>',
  confirmation: '<p>Confirm your address: <a href="{{ .ConfirmationURL }}">confirm</a> or enter the code {{ .Token }}.</p>',
  recovery: '<p>Reset your password: <a href="{{ .ConfirmationURL }}">reset</a> or enter the code {{ .Token }}.</p>',
  magic_link: '<p>Sign in: <a href="{{ .ConfirmationURL }}">sign in</a> or enter the code {{ .Token }}.</p>',
  email_change: '<p>Confirm the change from {{ .Email }} to {{ .NewEmail }}: <a href="{{ .ConfirmationURL }}">confirm</a> or enter the code {{ .Token }}.</p>',
  reauthentication: '<p>Your code: {{ .Token }}</p>',
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
