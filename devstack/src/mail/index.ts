// The devstack's mail catcher ([local_smtp]): an SMTP sink that files every message under
// .data/<instance>/mail/ and an inbox on 127.0.0.1 to read them, as the Supabase CLI's Inbucket/
// Mailpit does. Auth sends its invite and recovery mails here.
import type { Server } from 'node:http'
import { join } from 'node:path'
import type { ModuleFactory } from '../modules.ts'
import { smtpEndpoint } from '../shared/smtp.ts'
import { createInbox } from './inbox.ts'
import { createSmtpSink } from './smtp.ts'
import { MailStore } from './store.ts'

function listen(server: { listen: (port: number, host: string, callback: () => void) => unknown, once: (event: 'error', listener: (error: Error) => void) => unknown }, port: number): Promise<void> {
  return new Promise((resolveListen, rejectListen) => {
    server.once('error', rejectListen)
    server.listen(port, '127.0.0.1', resolveListen)
  })
}

export const mailModule: ModuleFactory = ({ config }) => {
  const store = new MailStore(join(config.dataDir, 'mail'))
  const smtp = createSmtpSink(store)
  const inbox: Server = createInbox(store)
  const { port: smtpPort } = smtpEndpoint(config)
  const inboxUrl = `http://127.0.0.1:${config.ports.inbox}`
  return {
    name: 'mail',
    async start() {
      await listen(smtp, smtpPort)
      await listen(inbox, config.ports.inbox)
    },
    async stop() {
      await new Promise<void>(resolveClose => smtp.close(() => resolveClose()))
      inbox.closeAllConnections()
      await new Promise<void>(resolveClose => inbox.close(() => resolveClose()))
    },
    describe: () => [`mail inbox ${inboxUrl} (SMTP 127.0.0.1:${smtpPort})`],
  }
}
