// The portal's mails, one template per outbox template name, German and English side by side.
// A template says what to tell (greeting, paragraphs, a code, a button, notes); one layout turns
// that into plain text and HTML, escaping every value. Pure: no network, no clock.
export type Locale = 'de' | 'en'

export interface OutboxMail {
  id: string
  template: string
  locale: string
  recipient: string
  data: Record<string, unknown>
  attempts: number
}

export interface MailAction {
  url: string
  /** The link first creates the account: the invitee sets a password, then a second factor. */
  accountSetup: boolean
}

export interface RenderContext {
  siteUrl: string
  firmName: string
  timeZone: string
  /** The invitation link, decided at sending time (with or without account set-up). */
  invitation?: MailAction
}

export interface RenderedMail {
  subject: string
  text: string
  html: string
}

interface MailContent {
  subject: string
  name?: string
  paragraphs: string[]
  code?: string
  action?: { label: string, url: string }
  notes: string[]
}

interface Phrasing {
  locale: Locale
  /** Picks the German or the English text. */
  t: (de: string, en: string) => string
  firm: string
  date: (iso: string) => string
  time: (iso: string) => string
}

type Template = (mail: OutboxMail, say: Phrasing, context: RenderContext) => MailContent

export const invitationTemplates = ['client_invitation', 'matter_invitation', 'staff_invitation'] as const

function text(data: Record<string, unknown>, key: string): string | undefined {
  const value = data[key]
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}

function requiredText(data: Record<string, unknown>, key: string, template: string): string {
  const value = text(data, key)
  if (value === undefined) throw new Error(`${template}: data.${key} is missing`)
  return value
}

function secret(mail: OutboxMail, key: string): string {
  const secrets = mail.data.secret
  const value = secrets && typeof secrets === 'object' ? (secrets as Record<string, unknown>)[key] : undefined
  if (typeof value !== 'string' || value === '') throw new Error(`${mail.template}: data.secret.${key} is missing`)
  return value
}

/** What every invitation says besides its first paragraphs: the link, how it goes on, until when. */
function invitationMail(mail: OutboxMail, say: Phrasing, context: RenderContext, paragraphs: string[]): MailContent {
  const { t, firm } = say
  const invitation = context.invitation
  if (!invitation) throw new Error(`${mail.template}: no invitation link`)
  const expiresAt = text(mail.data, 'expires_at')
  const notes = invitation.accountSetup
    ? [
        t('Danach richten Sie einen zweiten Faktor ein (Authenticator-App oder Code per E-Mail), den das Portal bei jeder Anmeldung abfragt.',
          'Next you set up a second factor (authenticator app or code by e-mail), which the portal asks for at every sign-in.'),
        t('Ist der Link abgelaufen, fordern Sie auf der Anmeldeseite über „Passwort vergessen“ einen neuen an.',
          'If the link has expired, request a new one with “Forgot password” on the sign-in page.'),
      ]
    : [t('Melden Sie sich mit Ihrem bestehenden Zugang an, um die Einladung anzunehmen.',
        'Sign in with your existing account to accept the invitation.')]
  if (expiresAt) notes.push(t(`Die Einladung gilt bis zum ${say.date(expiresAt)}.`, `The invitation is valid until ${say.date(expiresAt)}.`))
  notes.push(t('Falls Sie keine Einladung erwartet haben, können Sie diese E-Mail ignorieren.',
    'If you did not expect an invitation, you can ignore this e-mail.'))
  return {
    subject: t(`Einladung in das Mandantenportal – ${firm}`, `Invitation to the client portal – ${firm}`),
    name: text(mail.data, 'invitee_name'),
    paragraphs,
    action: {
      label: invitation.accountSetup
        ? t('Einladung annehmen und Passwort festlegen', 'Accept the invitation and set your password')
        : t('Einladung annehmen', 'Accept the invitation'),
      url: invitation.url,
    },
    notes,
  }
}

/** What a notification mail may say about a ticket: that something happened, never what. */
function ticketNews(kind: string, status: string | undefined, number: string, forStaff: boolean, say: Phrasing): string | undefined {
  const { t } = say
  switch (kind) {
    case 'opened':
      return t(`Die Kanzlei hat für Sie das Ticket #${number} eröffnet.`, `The firm has opened ticket #${number} for you.`)
    case 'assigned':
      return t(`Ihnen wurde das Ticket #${number} zugewiesen.`, `Ticket #${number} has been assigned to you.`)
    case 'reply':
      return t(`Im Ticket #${number} gibt es eine neue Antwort.`, `There is a new reply on ticket #${number}.`)
    case 'note':
      return t(`Im Ticket #${number} gibt es eine neue interne Notiz.`, `There is a new internal note on ticket #${number}.`)
    case 'status':
      switch (status) {
        case 'pending':
          return forStaff
            ? t(`Das Ticket #${number} wartet auf den Mandanten.`, `Ticket #${number} is waiting for the client.`)
            : t(`Das Ticket #${number} wartet auf Ihre Antwort.`, `Ticket #${number} is waiting for your reply.`)
        case 'resolved':
          return t(`Das Ticket #${number} wurde als gelöst markiert.`, `Ticket #${number} has been marked as resolved.`)
        case 'closed':
          return t(`Das Ticket #${number} wurde geschlossen.`, `Ticket #${number} has been closed.`)
        default:
          return t(`Das Ticket #${number} wurde wieder geöffnet.`, `Ticket #${number} has been reopened.`)
      }
  }
  return undefined
}

const ticketKindOrder = ['opened', 'assigned', 'reply', 'note', 'status']

/** Why a notification mail names no content. */
const contentStaysInThePortal = (say: Phrasing) => say.t(
  'Was es ist, lesen Sie im Mandantenportal: Aus Gründen der Vertraulichkeit steht der Inhalt nicht in dieser E-Mail.',
  'Read what it is in the client portal: for confidentiality the content is not part of this e-mail.')

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const templates: Record<string, Template> = {
  mfa_email_code(mail, say) {
    const { t, firm } = say
    const enrol = text(mail.data, 'purpose') === 'enrol'
    const expiresAt = requiredText(mail.data, 'expires_at', mail.template)
    return {
      subject: t(`Ihr Sicherheitscode – ${firm}`, `Your security code – ${firm}`),
      name: text(mail.data, 'display_name'),
      paragraphs: [enrol
        ? t('Sie richten Codes per E-Mail als zweiten Faktor für das Mandantenportal ein. Ihr Code:',
            'You are setting up codes by e-mail as the second factor for the client portal. Your code:')
        : t('Sie melden sich im Mandantenportal an. Ihr Sicherheitscode:', 'You are signing in to the client portal. Your security code:')],
      code: secret(mail, 'code'),
      notes: [
        t(`Der Code gilt bis ${say.time(expiresAt)}, nur einmal und nur für die Anmeldung, in der Sie ihn angefordert haben.`,
          `The code is valid until ${say.time(expiresAt)}, once, and only for the sign-in in which you requested it.`),
        t('Geben Sie den Code niemandem weiter – auch die Kanzlei fragt nie danach.', 'Never share this code – the firm will never ask you for it.'),
        t('Sie haben keinen Code angefordert? Dann kennt jemand Ihr Passwort: Ändern Sie es bitte sofort und informieren Sie die Kanzlei.',
          'You did not request a code? Then someone knows your password: please change it at once and tell the firm.'),
      ],
    }
  },

  client_invitation(mail, say, context) {
    const { t, firm } = say
    const client = requiredText(mail.data, 'client_name', mail.template)
    const inviter = text(mail.data, 'inviter_name')
    return invitationMail(mail, say, context, [
      inviter
        ? t(`${inviter} hat Sie eingeladen, das Mandantenportal für ${client} zu nutzen.`, `${inviter} has invited you to use the client portal for ${client}.`)
        : t(`Sie sind eingeladen, das Mandantenportal für ${client} zu nutzen.`, `You have been invited to use the client portal for ${client}.`),
      t(`Über das Portal tauschen Sie mit ${firm} Nachrichten und Dokumente sicher aus.`,
        `In the portal you exchange messages and documents with ${firm} securely.`),
    ])
  },

  matter_invitation(mail, say, context) {
    const { t, firm } = say
    const matter = requiredText(mail.data, 'matter_title', mail.template)
    const inviter = text(mail.data, 'inviter_name')
    return invitationMail(mail, say, context, [
      inviter
        ? t(`${inviter} hat Sie zur Akte „${matter}“ im Mandantenportal eingeladen.`, `${inviter} has invited you to the matter “${matter}” in the client portal.`)
        : t(`Sie sind zur Akte „${matter}“ im Mandantenportal eingeladen.`, `You have been invited to the matter “${matter}” in the client portal.`),
      t(`Dort tauschen Sie mit ${firm} und den Beteiligten Nachrichten und Dokumente zu dieser Akte sicher aus. Sie sehen nur, was zu dieser Akte gehört.`,
        `There you exchange messages and documents about this matter securely with ${firm} and the others involved. You only see what belongs to this matter.`),
    ])
  },

  staff_invitation(mail, say, context) {
    const { t, firm } = say
    const inviter = text(mail.data, 'inviter_name')
    const admin = text(mail.data, 'role') === 'admin'
    const invited = inviter ? t(`${inviter} hat Sie`, `${inviter} has invited you`) : t('Sie wurden', 'You have been invited')
    return invitationMail(mail, say, context, [
      t(`${invited} als Teil des Kanzleiteams (${firm}) in das Mandantenportal eingeladen${admin ? ', mit Administrationsrechten' : ''}.`,
        `${invited} to the client portal as a member of the ${firm} team${admin ? ', with administration rights' : ''}.`),
    ])
  },

  // Pages and appointments (supabase/migrations/20261204*): that there is something, and where to
  // look; no title, time or place, and no page slug in a link (it spells the title).
  page_published(mail, say, context) {
    const { t } = say
    return {
      subject: t(`Neue Seite für Sie im Mandantenportal – ${say.firm}`, `A new page for you in the client portal – ${say.firm}`),
      name: text(mail.data, 'display_name'),
      paragraphs: [
        t('die Kanzlei hat im Mandantenportal eine Seite für Sie veröffentlicht.', 'the firm has published a page for you in the client portal.'),
        t('Was darauf steht, lesen Sie im Portal: Aus Gründen der Vertraulichkeit steht der Inhalt nicht in dieser E-Mail.',
          'Read what it says in the portal: for confidentiality the content is not part of this e-mail.'),
      ],
      action: { label: t('Seiten im Portal ansehen', 'View the pages in the portal'), url: `${context.siteUrl}/seiten` },
      notes: [t('Diese E-Mails können Sie im Portal unter „Seiten“ abbestellen; neue Seiten sind dort weiterhin markiert.',
        'You can turn these e-mails off in the portal under "Pages"; new pages stay marked there.')],
    }
  },

  appointment_reminder(mail, say, context) {
    const { t } = say
    return {
      subject: t(`Erinnerung an Ihren Termin morgen – ${say.firm}`, `Reminder of your appointment tomorrow – ${say.firm}`),
      name: text(mail.data, 'display_name'),
      paragraphs: [
        t('morgen haben Sie einen Termin mit der Kanzlei.', 'you have an appointment with the firm tomorrow.'),
        t('Uhrzeit, Ort und Einzelheiten sehen Sie im Mandantenportal: Aus Gründen der Vertraulichkeit stehen sie nicht in dieser E-Mail.',
          'See the time, place and details in the client portal: for confidentiality they are not part of this e-mail.'),
      ],
      action: { label: t('Termine im Portal ansehen', 'View your appointments in the portal'), url: `${context.siteUrl}/termine` },
      notes: [t('Passt Ihnen der Termin nicht mehr? Bitten Sie im Portal um einen anderen.', 'Does the time no longer suit you? Ask for another one in the portal.')],
    }
  },

  ticket_activity(mail, say, context) {
    const { t, firm } = say
    const number = String(mail.data.number ?? '')
    if (!/^\d+$/.test(number)) throw new Error(`${mail.template}: data.number is missing`)
    const kinds = Array.isArray(mail.data.kinds) ? mail.data.kinds.filter((kind): kind is string => typeof kind === 'string') : []
    const news = ticketKindOrder.filter(kind => kinds.includes(kind))
      .map(kind => ticketNews(kind, text(mail.data, 'status'), number, mail.data.for_staff === true, say))
      .filter((line): line is string => line !== undefined)
    return {
      subject: t(`Neuigkeiten zu Ticket #${number} – ${firm}`, `News on ticket #${number} – ${firm}`),
      name: text(mail.data, 'display_name'),
      paragraphs: [
        ...(news.length > 0 ? news : [t(`Im Ticket #${number} gibt es Neuigkeiten.`, `There is news on ticket #${number}.`)]),
        contentStaysInThePortal(say),
      ],
      action: { label: t('Ticket im Portal öffnen', 'Open the ticket in the portal'), url: `${context.siteUrl}/tickets/${number}` },
      notes: [t('Sie erhalten diese E-Mail, weil Sie das Ticket gerade nicht im Portal geöffnet hatten.',
        'You receive this e-mail because you did not have the ticket open in the portal at the time.')],
    }
  },

  // Messages and chats: how many arrived while the mail waited, never their text, subject or author.
  message_activity(mail, say, context) {
    const { t, firm } = say
    const conversationId = requiredText(mail.data, 'conversation_id', mail.template)
    if (!uuidPattern.test(conversationId)) throw new Error(`${mail.template}: data.conversation_id is not an id`)
    const count = typeof mail.data.count === 'number' && mail.data.count > 1 ? Math.floor(mail.data.count) : 1
    const chat = mail.data.chat === true
    const messages = count === 1 ? t('eine neue Nachricht', 'a new message') : t(`${count} neue Nachrichten`, `${count} new messages`)
    return {
      subject: count === 1
        ? t(`Neue Nachricht im Mandantenportal – ${firm}`, `New message in the client portal – ${firm}`)
        : t(`${count} neue Nachrichten im Mandantenportal – ${firm}`, `${count} new messages in the client portal – ${firm}`),
      name: text(mail.data, 'display_name'),
      paragraphs: [
        chat
          ? t(`Im Chat gibt es ${messages}.`, `There ${count === 1 ? 'is' : 'are'} ${messages} in the chat.`)
          : t(`In einer Unterhaltung gibt es ${messages} für Sie.`, `There ${count === 1 ? 'is' : 'are'} ${messages} for you in a conversation.`),
        contentStaysInThePortal(say),
      ],
      action: chat
        ? { label: t('Chat im Portal öffnen', 'Open the chat in the portal'), url: `${context.siteUrl}/chat` }
        : { label: t('Unterhaltung im Portal öffnen', 'Open the conversation in the portal'), url: `${context.siteUrl}/nachrichten/${conversationId}` },
      notes: [t('Sie erhalten diese E-Mail, weil Sie die Unterhaltung gerade nicht im Portal geöffnet hatten.',
        'You receive this e-mail because you did not have the conversation open in the portal at the time.')],
    }
  },

  second_factor_reset(mail, say, context) {
    const { t } = say
    const resetBy = text(mail.data, 'reset_by_name')
    return {
      subject: t(`Ihr zweiter Faktor wurde zurückgesetzt – ${say.firm}`, `Your second factor has been reset – ${say.firm}`),
      name: text(mail.data, 'display_name'),
      paragraphs: [
        t(`${resetBy ?? 'Die Kanzlei'} hat den zweiten Faktor Ihres Zugangs zum Mandantenportal zurückgesetzt und alle Ihre Sitzungen beendet.`,
          `${resetBy ?? 'The firm'} has reset the second factor of your client portal account and ended all your sessions.`),
        t('Melden Sie sich mit Ihrem Passwort an und richten Sie einen neuen zweiten Faktor ein. Bis dahin ist kein Zugriff auf Ihre Daten möglich.',
          'Sign in with your password and set up a new second factor. Until then your data cannot be accessed.'),
      ],
      action: { label: t('Zum Mandantenportal', 'Go to the client portal'), url: `${context.siteUrl}/` },
      notes: [t('Haben Sie das nicht veranlasst? Wenden Sie sich bitte umgehend an die Kanzlei.', 'Did you not ask for this? Please contact the firm at once.')],
    }
  },

  // Backups (edge-functions/backup/): to the admins, with the error code only, never data.
  backup_failed(mail, say, context) {
    const { t } = say
    const startedAt = text(mail.data, 'started_at')
    const code = text(mail.data, 'error_code') ?? 'unexpected_failure'
    return {
      subject: t(`Sicherung fehlgeschlagen – ${say.firm}`, `Backup failed – ${say.firm}`),
      paragraphs: [
        startedAt
          ? t(`Die Sicherung des Mandantenportals vom ${say.date(startedAt)}, ${say.time(startedAt)}, ist fehlgeschlagen (Fehlercode ${code}).`,
              `The client portal's backup of ${say.date(startedAt)}, ${say.time(startedAt)}, failed (error code ${code}).`)
          : t(`Eine Sicherung des Mandantenportals ist fehlgeschlagen (Fehlercode ${code}).`, `A backup of the client portal failed (error code ${code}).`),
        t('Es ging nichts verloren: Die nächste Sicherung erfasst alle Änderungen seit der letzten gelungenen. Bleibt der Fehler, prüfen Sie das Sicherungsziel.',
          'Nothing was lost: the next backup covers every change since the last successful one. If the error stays, check the backup target.'),
      ],
      action: { label: t('Sicherungen ansehen', 'View backups'), url: `${context.siteUrl}/verwaltung/sicherungen` },
      notes: [],
    }
  },

  backup_overdue(mail, say, context) {
    const { t } = say
    const lastSuccess = text(mail.data, 'last_success_at')
    const hours = typeof mail.data.hours === 'number' ? mail.data.hours : 4
    return {
      subject: t(`Keine gelungene Sicherung seit über ${hours} Stunden – ${say.firm}`, `No successful backup for over ${hours} hours – ${say.firm}`),
      paragraphs: [
        lastSuccess
          ? t(`Die letzte gelungene Sicherung des Mandantenportals war am ${say.date(lastSuccess)}, ${say.time(lastSuccess)}.`,
              `The client portal's last successful backup was on ${say.date(lastSuccess)}, ${say.time(lastSuccess)}.`)
          : t('Das Mandantenportal wurde noch nie erfolgreich gesichert.', 'The client portal has never been backed up successfully.'),
        mail.data.configured === false
          ? t('Es ist kein Sicherungsziel eingerichtet (edge-functions/backup/README.md).', 'No backup target is configured (edge-functions/backup/README.md).')
          : t('Bitte prüfen Sie die Sicherungen in der Verwaltung.', 'Please check the backups in the administration.'),
      ],
      action: { label: t('Sicherungen ansehen', 'View backups'), url: `${context.siteUrl}/verwaltung/sicherungen` },
      notes: [],
    }
  },
}

function phrasing(locale: Locale, context: RenderContext): Phrasing {
  const intlLocale = locale === 'de' ? 'de-DE' : 'en-GB'
  const dates = new Intl.DateTimeFormat(intlLocale, { dateStyle: 'long', timeZone: context.timeZone })
  const times = new Intl.DateTimeFormat(intlLocale, { hour: '2-digit', minute: '2-digit', timeZone: context.timeZone, timeZoneName: 'short' })
  return {
    locale,
    t: (de, en) => (locale === 'de' ? de : en),
    firm: context.firmName,
    date: iso => dates.format(new Date(iso)),
    time: iso => times.format(new Date(iso)),
  }
}

const escapeHtml = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

function layout(content: MailContent, say: Phrasing): RenderedMail {
  const { t } = say
  const greeting = content.name ? t(`Guten Tag ${content.name},`, `Hello ${content.name},`) : t('Guten Tag,', 'Hello,')
  const footer = t(`Automatisch versandt vom Mandantenportal – ${say.firm}. Antworten auf diese E-Mail werden nicht gelesen.`,
    `Sent automatically by the client portal – ${say.firm}. Replies to this e-mail are not read.`)
  const fallback = t('Falls die Schaltfläche nicht funktioniert, öffnen Sie diese Adresse:', 'If the button does not work, open this address:')

  const textParts = [greeting, ...content.paragraphs]
  if (content.code) textParts.push(`    ${content.code}`)
  if (content.action) textParts.push(`${content.action.label}:\n${content.action.url}`)
  textParts.push(...content.notes, `-- \n${footer}`)

  const paragraph = (value: string, style = 'margin:0 0 16px') => `<p style="${style}">${escapeHtml(value)}</p>`
  const html = [
    `<!doctype html><html lang="${say.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">`,
    `<title>${escapeHtml(content.subject)}</title></head>`,
    '<body style="margin:0;padding:0;background:#f3f4f6;font-family:Arial,Helvetica,sans-serif;color:#1f2937;line-height:1.5">',
    '<div style="max-width:560px;margin:0 auto;padding:24px">',
    paragraph(say.firm, 'margin:0 0 16px;font-size:14px;font-weight:bold;color:#374151'),
    '<div style="background:#ffffff;border-radius:8px;padding:24px">',
    paragraph(greeting),
    ...content.paragraphs.map(value => paragraph(value)),
    content.code ? paragraph(content.code, 'margin:0 0 16px;font-size:28px;font-weight:bold;letter-spacing:6px;font-family:monospace') : '',
    content.action
      ? `<p style="margin:0 0 16px"><a href="${escapeHtml(content.action.url)}" style="display:inline-block;background:#1e3a5f;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none">${escapeHtml(content.action.label)}</a></p>`
      + `<p style="margin:0 0 16px;font-size:13px;color:#6b7280">${escapeHtml(fallback)}<br><a href="${escapeHtml(content.action.url)}" style="color:#1e3a5f;word-break:break-all">${escapeHtml(content.action.url)}</a></p>`
      : '',
    ...content.notes.map(value => paragraph(value, 'margin:0 0 12px;font-size:14px;color:#4b5563')),
    '</div>',
    paragraph(footer, 'margin:16px 0 0;font-size:12px;color:#6b7280'),
    '</div></body></html>',
  ].join('')

  return { subject: content.subject, text: `${textParts.join('\n\n')}\n`, html }
}

/** The mail in the row's language (German when the row names none we have). Throws for unknown templates or missing data. */
export function renderMail(mail: OutboxMail, context: RenderContext): RenderedMail {
  const template = Object.hasOwn(templates, mail.template) ? templates[mail.template] : undefined
  if (!template) throw new Error(`unknown template "${mail.template}"`)
  const say = phrasing(mail.locale === 'en' ? 'en' : 'de', context)
  return layout(template(mail, say, context), say)
}
