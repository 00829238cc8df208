// The real dependencies of a delivery run: the outbox RPCs and GoTrue's admin API through
// supabase-js with the service role, and SMTP through nodemailer.
import type { SupabaseClient } from '@supabase/supabase-js'
// @ts-types="npm:@types/nodemailer@8.0.2"
import nodemailer from 'nodemailer'
import type { AccountSetupToken, Outbox, SendMail } from './deliver.ts'
import type { MailSettings, SmtpSettings } from './settings.ts'
import type { OutboxMail } from './templates.ts'

export function outboxThroughApi(service: SupabaseClient): Outbox {
  return {
    async claim(maxCount, ids) {
      const { data, error } = await service.rpc('claim_outbox_mail', { max_count: maxCount, mail_ids: ids })
      if (error) throw new Error(`claim_outbox_mail: ${error.message}`)
      return data as OutboxMail[]
    },
    async complete(id, failure) {
      const { error } = await service.rpc('complete_outbox_mail', { mail_id: id, error: failure })
      if (error) throw new Error(`complete_outbox_mail: ${error.message}`)
    },
  }
}

/**
 * generateLink creates the account without GoTrue mailing anything. Our mail links to the app with
 * the token hash, not to GoTrue's action_link, whose GET /verify a prefetching scanner would burn.
 */
export function accountSetupThroughAuth(service: SupabaseClient): AccountSetupToken {
  return async (email, profile) => {
    const { data, error } = await service.auth.admin.generateLink({ type: 'invite', email, options: { data: profile } })
    if (error?.code === 'email_exists') return null
    if (error) throw error
    return data.properties.hashed_token
  }
}

export function smtpSender(smtp: SmtpSettings, from: MailSettings['from']): SendMail {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTls,
    auth: smtp.auth,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  })
  return async (mail) => {
    await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html })
  }
}
