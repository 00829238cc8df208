// The mails that carry a code (mail.go sendInvite, sendConfirmation, sendPasswordRecovery,
// sendMagicLink, sendEmailChange): the code is mailed and its hash — GoTrue's
// crypto.GenerateTokenHash of address + code — kept in the users column and auth.one_time_tokens.
import type { AuthService } from './context.ts'
import { tooManyRequests } from './errors.ts'
import { redirectTarget } from './redirect.ts'
import type { MailKind } from './settings.ts'
import { type Db, newOtp, storeOneTimeToken, tokenHash, type UserRow } from './store.ts'

export const redirectFor = (auth: AuthService, requested: string | null | undefined) =>
  redirectTarget(requested, auth.settings.siteUrl, auth.settings.additionalRedirectUrls)

/** The link of a mail: GoTrue's /verify with the token hash, the link type and where to go after. */
export function verifyUrl(auth: AuthService, hash: string, type: string, redirectTo: string): string {
  return `${auth.settings.issuer}/verify?token=${hash}&type=${type}&redirect_to=${encodeURIComponent(redirectTo)}`
}

export const reloadUser = async (db: Db, id: string) => (await db<UserRow[]>`select * from auth.users where id = ${id}`)[0]!

/** validateSentWithinFrequencyLimit: one mail of a kind per `[auth.email] max_frequency`. */
export function checkFrequency(auth: AuthService, sentAt: Date | null): void {
  if (!sentAt) return
  const waitMs = sentAt.getTime() + auth.settings.emailMaxFrequencyMs - Date.now()
  if (waitMs > 0) throw tooManyRequests('over_email_send_rate_limit', `For security purposes, you can only request this after ${Math.floor(waitMs / 1000)} seconds.`)
}

export function mailData(auth: AuthService, user: UserRow, fields: { url?: string, otp: string, hash: string, redirectTo?: string, newEmail?: string, sendingTo?: string }) {
  return {
    SiteURL: auth.settings.siteUrl,
    ConfirmationURL: fields.url ?? '',
    Email: user.email ?? '',
    NewEmail: fields.newEmail ?? '',
    SendingTo: fields.sendingTo ?? user.email ?? '',
    Token: fields.otp,
    TokenHash: fields.hash,
    RedirectTo: fields.redirectTo ?? '',
    Data: user.raw_user_meta_data ?? {},
  }
}

export interface LinkMail { kind: MailKind, type: string, column: 'confirmation_token' | 'recovery_token', sentAt: 'confirmation_sent_at' | 'recovery_sent_at', limited: boolean }

/** sendInvite, sendConfirmation, sendPasswordRecovery and sendMagicLink differ only in these. */
export const linkMails = {
  invite: { kind: 'invite', type: 'invite', column: 'confirmation_token', sentAt: 'confirmation_sent_at', limited: false },
  signup: { kind: 'confirmation', type: 'signup', column: 'confirmation_token', sentAt: 'confirmation_sent_at', limited: true },
  recovery: { kind: 'recovery', type: 'recovery', column: 'recovery_token', sentAt: 'recovery_sent_at', limited: true },
  magiclink: { kind: 'magic_link', type: 'magiclink', column: 'recovery_token', sentAt: 'recovery_sent_at', limited: true },
} satisfies Record<string, LinkMail>

/** Mails a link of `mail`'s kind; inside the caller's transaction, so a mail that fails changes nothing. */
export async function sendLinkMail(auth: AuthService, tx: Db, user: UserRow, mail: LinkMail, requestedRedirect: string | null): Promise<void> {
  if (mail.limited) checkFrequency(auth, user[mail.sentAt])
  const email = user.email ?? ''
  const otp = newOtp(auth.settings.otpLength)
  const hash = tokenHash(email, otp)
  const redirectTo = redirectFor(auth, requestedRedirect)
  const url = verifyUrl(auth, hash, mail.type, redirectTo)
  await auth.mailer.send(mail.kind, email, mailData(auth, user, { url, otp, hash, redirectTo }))
  await (mail.column === 'confirmation_token'
    ? tx`update auth.users set confirmation_token = ${hash}, confirmation_sent_at = now(),
           invited_at = case when ${mail.type === 'invite'} then now() else invited_at end where id = ${user.id}`
    : tx`update auth.users set recovery_token = ${hash}, recovery_sent_at = now() where id = ${user.id}`)
  await storeOneTimeToken(tx, user.id, mail.column, hash, email)
}

/** sendEmailChange: a code for the new address, and with secure change one for the current too. */
export async function sendEmailChange(auth: AuthService, tx: Db, user: UserRow, newEmail: string, requestedRedirect: string | null): Promise<void> {
  checkFrequency(auth, user.email_change_sent_at)
  const otpNew = newOtp(auth.settings.otpLength)
  const hashNew = tokenHash(newEmail, otpNew)
  const current = auth.settings.secureEmailChange && user.email ? { otp: newOtp(auth.settings.otpLength), email: user.email } : null
  const hashCurrent = current ? tokenHash(current.email, current.otp) : ''
  const redirectTo = redirectFor(auth, requestedRedirect)
  const mails = [{ to: newEmail, otp: otpNew, hash: hashNew }, ...(current ? [{ to: current.email, otp: current.otp, hash: hashCurrent }] : [])]
  for (const mail of mails) {
    const url = verifyUrl(auth, mail.hash, 'email_change', redirectTo)
    await auth.mailer.send('email_change', mail.to, mailData(auth, user, { url, otp: mail.otp, hash: mail.hash, redirectTo, newEmail, sendingTo: mail.to }))
  }
  await tx`
    update auth.users set email_change = ${newEmail}, email_change_token_new = ${hashNew}, email_change_token_current = ${hashCurrent},
      email_change_confirm_status = 0, email_change_sent_at = now()
    where id = ${user.id}`
  if (current) await storeOneTimeToken(tx, user.id, 'email_change_token_current', hashCurrent, current.email)
  await storeOneTimeToken(tx, user.id, 'email_change_token_new', hashNew, newEmail)
}
