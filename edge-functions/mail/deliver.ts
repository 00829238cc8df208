// One delivery run: claim due mails from the outbox, render each in its language, create the
// account behind an invitation to a new address, send over SMTP, and report each outcome back.
// The database owns the schedule: complete_outbox_mail retries a failure with back-off and gives
// up after its last attempt. At-least-once: a run that dies after sending but before reporting
// leaves the mail `sending`; the next run takes it over after 10 minutes and sends it again.
import type { MailSettings } from './settings.ts'
import { invitationTemplates, type MailAction, type OutboxMail, type RenderedMail, renderMail } from './templates.ts'

export interface Outbox {
  /** Locks up to maxCount due mails (only those in ids, when given) for this run. */
  claim: (maxCount: number, ids: string[] | null) => Promise<OutboxMail[]>
  /** A claimed mail was sent (error null) or failed with this reason. */
  complete: (id: string, error: string | null) => Promise<void>
}

export interface OutgoingMail extends RenderedMail {
  to: string
}

export type SendMail = (mail: OutgoingMail) => Promise<void>

/**
 * For an address without account: creates the account through GoTrue (which mails nothing) and
 * returns the hash of its one-time invite token. Null when the address already has a confirmed
 * account.
 */
export type AccountSetupToken = (email: string, profile: { display_name: string | null, locale: string }) => Promise<string | null>

export interface DeliveryDeps {
  outbox: Outbox
  send: SendMail
  accountSetupToken: AccountSetupToken
  settings: Pick<MailSettings, 'siteUrl' | 'firmName' | 'timeZone'>
}

export interface DeliveryReport {
  sent: number
  failed: number
}

/** The portal page that accepts an invitation (nuxt-app: sign in if needed, then accept_invitation). */
export const acceptInvitationPath = (token: string) => `/einladung/annehmen?invitation=${encodeURIComponent(token)}`

export function acceptInvitationUrl(siteUrl: string, token: string): string {
  return `${siteUrl}${acceptInvitationPath(token)}`
}

/**
 * The app's set-password page for a new account. The link holds only the token hash: the app
 * verifies it (verifyOtp({ token_hash, type })) when the person submits the page, so a mail
 * scanner that opens the link does not use the one-time token up. Then the app goes on to `next`.
 */
export function setPasswordUrl(siteUrl: string, tokenHash: string, type: 'invite' | 'recovery', next: string): string {
  return `${siteUrl}/passwort-setzen?token_hash=${encodeURIComponent(tokenHash)}&type=${type}&weiter=${encodeURIComponent(next)}`
}

/** A failure reason for the outbox and the log: never the mail's data (codes, tokens). */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const code = (error as { code?: unknown }).code
  return `${typeof code === 'string' ? `${code}: ` : ''}${error.message}`
}

const isInvitation = (template: string) => (invitationTemplates as readonly string[]).includes(template)

async function invitationAction(mail: OutboxMail, deps: DeliveryDeps): Promise<MailAction> {
  const token = (mail.data.secret as { token?: unknown } | undefined)?.token
  if (typeof token !== 'string' || token === '') throw new Error(`${mail.template}: data.secret.token is missing`)
  const name = mail.data.invitee_name
  const tokenHash = await deps.accountSetupToken(mail.recipient, { display_name: typeof name === 'string' ? name : null, locale: mail.locale })
  return tokenHash
    ? { url: setPasswordUrl(deps.settings.siteUrl, tokenHash, 'invite', acceptInvitationPath(token)), accountSetup: true }
    : { url: acceptInvitationUrl(deps.settings.siteUrl, token), accountSetup: false }
}

async function compose(mail: OutboxMail, deps: DeliveryDeps): Promise<OutgoingMail> {
  const invitation = isInvitation(mail.template) ? await invitationAction(mail, deps) : undefined
  return { to: mail.recipient, ...renderMail(mail, { ...deps.settings, invitation }) }
}

export async function deliverOutbox(deps: DeliveryDeps, mailIds: string[] | null, limits = { batchSize: 20, maxBatches: 5 }): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, failed: 0 }
  for (let batch = 0; batch < limits.maxBatches; batch++) {
    const claimed = await deps.outbox.claim(limits.batchSize, mailIds)
    if (claimed.length === 0) break
    for (const mail of claimed) {
      try {
        await deps.send(await compose(mail, deps))
      }
      catch (error) {
        const reason = describeFailure(error)
        console.error(`mail ${mail.id} (${mail.template}, attempt ${mail.attempts}) failed: ${reason}`)
        await deps.outbox.complete(mail.id, reason)
        report.failed++
        continue
      }
      await deps.outbox.complete(mail.id, null)
      report.sent++
    }
  }
  return report
}
