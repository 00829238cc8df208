// Where the devstack's SMTP sink listens ([local_smtp] smtp_port + the port offset). Auth sends its
// mails there; edge functions get it as SMTP_HOST/SMTP_PORT.
import type { DevstackConfig } from '../config.ts'

export function smtpEndpoint(config: DevstackConfig): { host: string, port: number } {
  return { host: '127.0.0.1', port: config.ports.smtp }
}

/** The environment a process needs to send mail into the devstack's inbox. */
export function smtpEnv(config: DevstackConfig): { SMTP_HOST: string, SMTP_PORT: string } {
  const { host, port } = smtpEndpoint(config)
  return { SMTP_HOST: host, SMTP_PORT: String(port) }
}
