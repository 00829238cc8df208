// POST /functions/v1/mail — sends the mail outbox (see mail.ts; settings in settings.ts).
import { serviceClient } from '../_shared/clients.ts'
import { accountSetupThroughAuth, outboxThroughApi, smtpSender } from './adapters.ts'
import type { DeliveryDeps } from './deliver.ts'
import { mail } from './mail.ts'
import { mailSettings, smtpSettings } from './settings.ts'

const env = (name: string) => Deno.env.get(name)
let deps: DeliveryDeps | undefined

// Built on the first run, so a missing setting fails that run (logged, 500) instead of the boot.
Deno.serve(req => mail(req, () => {
  if (!deps) {
    const settings = mailSettings(env)
    deps = {
      outbox: outboxThroughApi(serviceClient()),
      accountSetupToken: accountSetupThroughAuth(serviceClient()),
      send: smtpSender(smtpSettings(env), settings.from),
      settings,
    }
  }
  return deps
}))
