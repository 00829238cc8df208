// The SMTP sink: accepts every message on 127.0.0.1 without authentication or TLS and files it
// in the mail store. Nothing is ever delivered anywhere.
import { simpleParser, type AddressObject } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import type { MailStore } from './store.ts'

const addressList = (value: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(value) ? value : value ? [value] : []).flatMap(group => group.value.map(entry => entry.address ?? '')).filter(Boolean)

export function createSmtpSink(store: MailStore): SMTPServer {
  return new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    banner: 'Mandantenportal devstack mail sink (development only)',
    size: 25 * 1024 * 1024,
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then((parsed) => {
        const envelopeTo = session.envelope.rcptTo.map(rcpt => rcpt.address)
        store.add({
          from: parsed.from?.text || (session.envelope.mailFrom ? session.envelope.mailFrom.address : ''),
          to: [...new Set([...addressList(parsed.to), ...addressList(parsed.cc), ...envelopeTo])],
          subject: parsed.subject ?? '',
          date: (parsed.date ?? new Date()).toISOString(),
          text: parsed.text ?? '',
          html: typeof parsed.html === 'string' ? parsed.html : '',
        })
        callback()
      }, (error: Error) => callback(error))
    },
  })
}
