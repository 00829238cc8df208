// Where backups go and to whom they are encrypted: the Vault secrets `backup_target` (JSON, the
// S3 bucket and its keys) and `backup_recipients` (age public keys). Vault, not the function's
// environment, so the database knows whether backups are configured (scheduled runs, the
// Verwaltung) and the same two statements configure the devstack, self-hosted and hosted Supabase.
import { parseRecipients } from './encryption.ts'
import type { S3Target } from './s3.ts'

export class ConfigurationError extends Error {
  constructor(readonly code: 'backup_not_configured' | 'invalid_backup_target' | 'invalid_recipients', message: string) {
    super(message)
  }
}

export function parseTarget(text: string | null): S3Target {
  if (!text) throw new ConfigurationError('backup_not_configured', 'Vault has no secret backup_target')
  let value: Record<string, unknown>
  try {
    value = JSON.parse(text) as Record<string, unknown>
  }
  catch {
    throw new ConfigurationError('invalid_backup_target', 'backup_target is not JSON')
  }
  const text_ = (name: string, fallback?: string) => {
    const entry = value[name] ?? fallback
    if (typeof entry !== 'string' || entry.length === 0) throw new ConfigurationError('invalid_backup_target', `backup_target needs "${name}"`)
    return entry
  }
  const endpoint = text_('endpoint')
  try {
    const url = new URL(endpoint)
    if (url.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
      throw new ConfigurationError('invalid_backup_target', 'backup_target.endpoint must use https (plain http only on loopback)')
    }
  }
  catch (error) {
    if (error instanceof ConfigurationError) throw error
    throw new ConfigurationError('invalid_backup_target', 'backup_target.endpoint is not a URL')
  }
  const prefix = typeof value.prefix === 'string' ? value.prefix.replace(/^\/+/, '') : ''
  return {
    endpoint,
    region: text_('region', 'us-east-1'),
    bucket: text_('bucket'),
    accessKeyId: text_('accessKeyId'),
    secretAccessKey: text_('secretAccessKey'),
    prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix,
    pathStyle: value.pathStyle !== false,
  }
}

export function parseRecipientSecret(text: string | null): string[] {
  if (!text) throw new ConfigurationError('backup_not_configured', 'Vault has no secret backup_recipients')
  try {
    return parseRecipients(text)
  }
  catch (error) {
    throw new ConfigurationError('invalid_recipients', error instanceof Error ? error.message : String(error))
  }
}

/** Seconds a run may work before it hands over to a continuation (edge runtime wall limit: 400 s). */
export function timeBudgetMs(env: (name: string) => string | undefined): number {
  const seconds = Number(env('BACKUP_TIME_BUDGET_SECONDS') ?? 300)
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 300_000
}
