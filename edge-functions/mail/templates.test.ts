import assert from 'node:assert/strict'
import { type OutboxMail, type RenderContext, renderMail } from './templates.ts'

const context: RenderContext = { siteUrl: 'https://portal.example', firmName: 'Kanzlei Weber & Partner', timeZone: 'Europe/Berlin' }
const setupLink = { url: 'https://portal.example/passwort-setzen?token_hash=abc&type=invite&weiter=%2Feinladung', accountSetup: true }
const acceptLink = { url: 'https://portal.example/einladung/annehmen?invitation=t0k3n', accountSetup: false }

const outboxMail = (template: string, locale: string, data: Record<string, unknown>): OutboxMail =>
  ({ id: 'm1', template, locale, recipient: 'someone@example.org', data, attempts: 1 })

// Sample data as the migrations queue it, per template.
const samples: Record<string, Record<string, unknown>> = {
  mfa_email_code: { display_name: 'Anna Schmidt', purpose: 'verify', expires_at: '2026-11-27T14:10:00Z', secret: { code: '042917' } },
  client_invitation: { client_name: 'Müller Bau GmbH', inviter_name: 'Jonas Becker', invitee_name: null, role: 'member', expires_at: '2026-12-04T10:00:00Z', secret: { token: 't0k3n' } },
  matter_invitation: { matter_title: 'Bauvorhaben <Nord>', inviter_name: 'Klaus Müller', expires_at: '2026-12-04T10:00:00Z', secret: { token: 't0k3n' } },
  staff_invitation: { inviter_name: 'Dr. Katharina Weber', role: 'admin', expires_at: '2026-12-04T10:00:00Z', secret: { token: 't0k3n' } },
  second_factor_reset: { display_name: 'Peter Hansen', reset_by_name: 'Mira Schulz' },
  appointment_reminder: { display_name: 'Klaus Müller', appointment_id: '6f1f2a0e-3c1b-4c55-9a3e-0d2f7b1a9c01' },
  page_published: { display_name: 'Sabine Krüger' },
  ticket_activity: { number: 1042, kinds: ['status', 'reply'], status: 'pending', for_staff: false, display_name: 'Klaus Müller' },
  message_activity: { conversation_id: '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f', chat: false, count: 3, kinds: ['message'], display_name: 'Klaus Müller' },
}

/** Every template name the migrations queue (enqueue_mail and defer_notification_mail calls, set-based outbox inserts, create_invitation's template argument). */
function templateNamesInMigrations(): string[] {
  const names = new Set<string>()
  for (const entry of Deno.readDirSync(new URL('../../supabase/migrations/', import.meta.url))) {
    const sql = Deno.readTextFileSync(new URL(`../../supabase/migrations/${entry.name}`, import.meta.url))
    for (const match of sql.matchAll(/(?:enqueue_mail|defer_notification_mail)\('([a-z_]+)'/g)) names.add(match[1]!)
    for (const match of sql.matchAll(/insert into ops\.mail_outbox \([^)]*\)\s+select '([a-z_]+)'/g)) names.add(match[1]!)
    for (const match of sql.matchAll(/'([a-z_]+_invitation)'/g)) names.add(match[1]!)
  }
  return [...names].sort()
}

Deno.test('every template the database queues has German and English mails', () => {
  const names = templateNamesInMigrations()
  assert.deepEqual(names, Object.keys(samples).sort())
  for (const name of names) {
    const subjects = (['de', 'en'] as const).map(locale => renderMail(outboxMail(name, locale, samples[name]!), { ...context, invitation: setupLink }).subject)
    assert.notEqual(subjects[0], subjects[1], `${name} differs by language`)
    for (const subject of subjects) assert.match(subject, /Kanzlei Weber & Partner/)
  }
})

Deno.test('the e-mail code mail shows the code and its expiry in the firm\'s time zone, never in the subject', () => {
  const de = renderMail(outboxMail('mfa_email_code', 'de', samples.mfa_email_code!), context)
  assert.equal(de.subject, 'Ihr Sicherheitscode – Kanzlei Weber & Partner')
  assert.match(de.text, /^Guten Tag Anna Schmidt,/)
  assert.match(de.text, /\n {4}042917\n/)
  assert.match(de.text, /gilt bis 15:10 MEZ/)
  assert.match(de.html, /042917/)
  const en = renderMail(outboxMail('mfa_email_code', 'en', { ...samples.mfa_email_code!, purpose: 'enrol' }), context)
  assert.match(en.text, /setting up codes by e-mail/)
  assert.match(en.text, /valid until 15:10 CET/)
  for (const mail of [de, en]) assert.doesNotMatch(mail.subject, /042917/)
})

Deno.test('an invitation to a new address leads to setting a password; to an existing account, to signing in', () => {
  const fresh = renderMail(outboxMail('client_invitation', 'de', samples.client_invitation!), { ...context, invitation: setupLink })
  assert.equal(fresh.subject, 'Einladung in das Mandantenportal – Kanzlei Weber & Partner')
  assert.match(fresh.text, /^Guten Tag,\n\nJonas Becker hat Sie eingeladen, das Mandantenportal für Müller Bau GmbH zu nutzen\./)
  assert.match(fresh.text, /Einladung annehmen und Passwort festlegen:\nhttps:\/\/portal\.example\/passwort-setzen\?token_hash=abc&type=invite&weiter=%2Feinladung/)
  assert.match(fresh.text, /zweiten Faktor/)
  assert.match(fresh.text, /Die Einladung gilt bis zum 4\. Dezember 2026\./)
  assert.match(fresh.html, /href="https:\/\/portal\.example\/passwort-setzen\?token_hash=abc&amp;type=invite&amp;weiter=%2Feinladung"/)

  const existing = renderMail(outboxMail('client_invitation', 'en', { ...samples.client_invitation!, invitee_name: 'Ann Lee' }), { ...context, invitation: acceptLink })
  assert.match(existing.text, /^Hello Ann Lee,/)
  assert.match(existing.text, /Accept the invitation:\nhttps:\/\/portal\.example\/einladung\/annehmen\?invitation=t0k3n/)
  assert.match(existing.text, /Sign in with your existing account/)
  assert.match(existing.text, /valid until 4 December 2026/)
})

Deno.test('values are escaped in HTML and left as they are in plain text', () => {
  const mail = renderMail(outboxMail('matter_invitation', 'de', samples.matter_invitation!), { ...context, invitation: acceptLink })
  assert.match(mail.text, /zur Akte „Bauvorhaben <Nord>“/)
  assert.match(mail.html, /Bauvorhaben &lt;Nord&gt;/)
  assert.doesNotMatch(mail.html, /<Nord>/)
  assert.match(mail.html, /Kanzlei Weber &amp; Partner/)
  assert.match(mail.html, /^<!doctype html><html lang="de">/)
})

Deno.test('staff invitations name admin rights; the reset notice links to the portal', () => {
  const staff = renderMail(outboxMail('staff_invitation', 'de', samples.staff_invitation!), { ...context, invitation: setupLink })
  assert.match(staff.text, /Dr\. Katharina Weber hat Sie als Teil des Kanzleiteams \(Kanzlei Weber & Partner\) in das Mandantenportal eingeladen, mit Administrationsrechten\./)
  const reset = renderMail(outboxMail('second_factor_reset', 'en', samples.second_factor_reset!), context)
  assert.match(reset.text, /Mira Schulz has reset the second factor/)
  assert.match(reset.text, /Go to the client portal:\nhttps:\/\/portal\.example\//)
})

Deno.test('unknown templates, missing secrets and missing links are errors; unknown locales fall back to German', () => {
  assert.throws(() => renderMail(outboxMail('newsletter', 'de', {}), context), /unknown template "newsletter"/)
  assert.throws(() => renderMail(outboxMail('toString', 'de', {}), context), /unknown template/)
  assert.throws(() => renderMail(outboxMail('mfa_email_code', 'de', { ...samples.mfa_email_code!, secret: {} }), context), /data\.secret\.code is missing/)
  assert.throws(() => renderMail(outboxMail('client_invitation', 'de', samples.client_invitation!), context), /no invitation link/)
  assert.match(renderMail(outboxMail('second_factor_reset', 'fr', samples.second_factor_reset!), context).subject, /zurückgesetzt/)
})

Deno.test('a ticket mail says that something happened and links to the ticket, never what', () => {
  const de = renderMail(outboxMail('ticket_activity', 'de', samples.ticket_activity!), context)
  assert.equal(de.subject, 'Neuigkeiten zu Ticket #1042 – Kanzlei Weber & Partner')
  assert.match(de.text, /^Guten Tag Klaus Müller,\n\nIm Ticket #1042 gibt es eine neue Antwort\.\n\nDas Ticket #1042 wartet auf Ihre Antwort\./)
  assert.match(de.text, /Ticket im Portal öffnen:\nhttps:\/\/portal\.example\/tickets\/1042/)
  assert.match(de.text, /Aus Gründen der Vertraulichkeit steht der Inhalt nicht in dieser E-Mail/)
  const staff = renderMail(outboxMail('ticket_activity', 'en', { number: 7, kinds: ['note', 'assigned', 'status'], status: 'pending', for_staff: true }), context)
  assert.equal(staff.subject, 'News on ticket #7 – Kanzlei Weber & Partner')
  assert.match(staff.text, /Ticket #7 has been assigned to you\.\n\nThere is a new internal note on ticket #7\.\n\nTicket #7 is waiting for the client\./)
  assert.throws(() => renderMail(outboxMail('ticket_activity', 'de', { kinds: ['reply'] }), context), /data\.number is missing/)
})

Deno.test('page and appointment mails say only that there is something, and link to the list', () => {
  const page = renderMail(outboxMail('page_published', 'de', samples.page_published!), context)
  assert.equal(page.subject, 'Neue Seite für Sie im Mandantenportal – Kanzlei Weber & Partner')
  assert.match(page.text, /^Guten Tag Sabine Krüger,\n\ndie Kanzlei hat im Mandantenportal eine Seite für Sie veröffentlicht\./)
  assert.match(page.text, /Seiten im Portal ansehen:\nhttps:\/\/portal\.example\/seiten\n/)
  const reminder = renderMail(outboxMail('appointment_reminder', 'de', samples.appointment_reminder!), context)
  assert.equal(reminder.subject, 'Erinnerung an Ihren Termin morgen – Kanzlei Weber & Partner')
  assert.match(reminder.text, /^Guten Tag Klaus Müller,\n\nmorgen haben Sie einen Termin mit der Kanzlei\./)
  const english = renderMail(outboxMail('appointment_reminder', 'en', { display_name: 'Anna Schmidt' }), context)
  assert.match(english.text, /View your appointments in the portal:\nhttps:\/\/portal\.example\/termine/)
})

Deno.test('a message mail says how many messages wait and links to the conversation, never what they say', () => {
  const de = renderMail(outboxMail('message_activity', 'de', samples.message_activity!), context)
  assert.equal(de.subject, '3 neue Nachrichten im Mandantenportal – Kanzlei Weber & Partner')
  assert.match(de.text, /^Guten Tag Klaus Müller,\n\nIn einer Unterhaltung gibt es 3 neue Nachrichten für Sie\./)
  assert.match(de.text, /Unterhaltung im Portal öffnen:\nhttps:\/\/portal\.example\/nachrichten\/6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f/)
  assert.match(de.text, /Aus Gründen der Vertraulichkeit steht der Inhalt nicht in dieser E-Mail/)
  const chat = renderMail(outboxMail('message_activity', 'en', { ...samples.message_activity, chat: true, count: 1 }), context)
  assert.equal(chat.subject, 'New message in the client portal – Kanzlei Weber & Partner')
  assert.match(chat.text, /There is a new message in the chat\./)
  assert.match(chat.text, /Open the chat in the portal:\nhttps:\/\/portal\.example\/chat\n/)
  assert.throws(() => renderMail(outboxMail('message_activity', 'de', { count: 1 }), context), /data\.conversation_id is missing/)
  assert.throws(() => renderMail(outboxMail('message_activity', 'de', { conversation_id: '../verwaltung' }), context), /not an id/)
})
