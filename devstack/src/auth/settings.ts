// The Auth settings of supabase/config.toml, typed, with GoTrue's defaults where the file is silent
// (the CLI passes the same values to GoTrue as GOTRUE_* variables, start.go buildGotrueEnv).
import { resolve } from 'node:path'
import { type DevstackConfig, tomlValue } from '../config.ts'
import { parseGoDuration } from './duration.ts'

/** The mails GoTrue sends, named as `[auth.email.template.<name>]`. */
export type MailKind = 'invite' | 'confirmation' | 'recovery' | 'magic_link' | 'email_change' | 'reauthentication'

/** The CLI's `password_requirements` values as GoTrue's `:`-separated character sets. */
const lower = 'abcdefghijklmnopqrstuvwxyz'
const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const digits = '0123456789'
const symbols = '!@#$%^&*()_+-=[]{};\'\\:"|<>?,./`~'
export const requiredCharacterSets: Record<string, string[]> = {
  '': [],
  'letters_digits': [lower + upper, digits],
  'lower_upper_letters_digits': [lower, upper, digits],
  'lower_upper_letters_digits_symbols': [lower, upper, digits, symbols],
}

export interface HookSetting { enabled: boolean, uri: string }

export interface EmailTemplate { subject: string, contentPath: string | null }

export interface AuthSettings {
  issuer: string
  siteUrl: string
  additionalRedirectUrls: string[]
  jwtExpirySeconds: number
  refreshTokenRotation: boolean
  refreshTokenReuseIntervalSeconds: number
  /** `[auth] enable_signup` (GOTRUE_DISABLE_SIGNUP inverted). */
  enableSignup: boolean
  /**
   * `[auth.email] enable_signup`, which the CLI passes as GOTRUE_EXTERNAL_EMAIL_ENABLED: the e-mail
   * provider itself. Off, GoTrue refuses e-mail sign-ins, recovery, magic links and resends too.
   */
  emailProviderEnabled: boolean
  /** `[auth.email] double_confirm_changes` (GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED). */
  secureEmailChange: boolean
  /** `[auth.email] secure_password_change` (GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_REAUTHENTICATION). */
  securePasswordChange: boolean
  enableAnonymousSignIns: boolean
  enableManualLinking: boolean
  minimumPasswordLength: number
  requiredCharacters: string[]
  /** GoTrue's MAILER_AUTOCONFIRM is the inverse of enable_confirmations. */
  mailerAutoconfirm: boolean
  otpLength: number
  otpExpirySeconds: number
  emailMaxFrequencyMs: number
  sessionTimeboxMs: number
  sessionInactivityTimeoutMs: number
  mfa: { maxEnrolledFactors: number, maxVerifiedFactors: number, totpEnroll: boolean, totpVerify: boolean }
  rateLimits: { emailSent: number, tokenRefresh: number, signInSignUps: number, tokenVerifications: number }
  hooks: { customAccessToken: HookSetting, passwordVerificationAttempt: HookSetting, mfaVerificationAttempt: HookSetting }
  templates: Record<MailKind, EmailTemplate>
  sender: { email: string, name: string }
}

export function loadAuthSettings(config: DevstackConfig): AuthSettings {
  const toml = config.toml
  const value = <T>(path: string, fallback: T) => tomlValue<T>(toml, `auth.${path}`, fallback)
  const requirements = value('password_requirements', '')
  const requiredCharacters = requiredCharacterSets[requirements]
  if (!requiredCharacters) throw new Error(`auth.password_requirements: unknown value "${requirements}"`)
  const hook = (name: string): HookSetting => ({ enabled: value(`hook.${name}.enabled`, false), uri: value(`hook.${name}.uri`, '') })
  const template = (name: string, subject: string): EmailTemplate => {
    const contentPath = value<string>(`email.template.${name}.content_path`, '')
    // The CLI resolves content_path against the project folder (the parent of supabase/).
    return { subject: value(`email.template.${name}.subject`, subject), contentPath: contentPath ? resolve(config.root, contentPath) : null }
  }
  const duration = (path: string) => parseGoDuration(String(value(path, '') || '0s'))
  return {
    issuer: `${config.apiUrl}/auth/v1`,
    siteUrl: config.siteUrl,
    additionalRedirectUrls: value<string[]>('additional_redirect_urls', []),
    jwtExpirySeconds: value('jwt_expiry', 3600),
    refreshTokenRotation: value('enable_refresh_token_rotation', true),
    refreshTokenReuseIntervalSeconds: value('refresh_token_reuse_interval', 10),
    enableSignup: value('enable_signup', true),
    emailProviderEnabled: value('email.enable_signup', true),
    secureEmailChange: value('email.double_confirm_changes', true),
    securePasswordChange: value('email.secure_password_change', false),
    enableAnonymousSignIns: value('enable_anonymous_sign_ins', false),
    enableManualLinking: value('enable_manual_linking', false),
    // GoTrue never accepts less than 6.
    minimumPasswordLength: Math.max(6, value('minimum_password_length', 6)),
    requiredCharacters,
    mailerAutoconfirm: !value('email.enable_confirmations', false),
    otpLength: value('email.otp_length', 6),
    otpExpirySeconds: value('email.otp_expiry', 3600),
    emailMaxFrequencyMs: duration('email.max_frequency') || 60_000,
    sessionTimeboxMs: duration('sessions.timebox'),
    sessionInactivityTimeoutMs: duration('sessions.inactivity_timeout'),
    mfa: {
      maxEnrolledFactors: value('mfa.max_enrolled_factors', 10),
      maxVerifiedFactors: value('mfa.max_verified_factors', 10),
      totpEnroll: value('mfa.totp.enroll_enabled', false),
      totpVerify: value('mfa.totp.verify_enabled', false),
    },
    rateLimits: {
      emailSent: value('rate_limit.email_sent', 2),
      tokenRefresh: value('rate_limit.token_refresh', 150),
      signInSignUps: value('rate_limit.sign_in_sign_ups', 30),
      tokenVerifications: value('rate_limit.token_verifications', 30),
    },
    hooks: {
      customAccessToken: hook('custom_access_token'),
      passwordVerificationAttempt: hook('password_verification_attempt'),
      mfaVerificationAttempt: hook('mfa_verification_attempt'),
    },
    // GoTrue's default subjects (templatemailer.go).
    templates: {
      invite: template('invite', 'You have been invited'),
      confirmation: template('confirmation', 'Confirm Your Email'),
      recovery: template('recovery', 'Reset Your Password'),
      magic_link: template('magic_link', 'Your Magic Link'),
      email_change: template('email_change', 'Confirm Email Change'),
      reauthentication: template('reauthentication', 'Confirm reauthentication'),
    },
    sender: {
      email: tomlValue(toml, 'local_smtp.admin_email', 'admin@email.com'),
      name: tomlValue(toml, 'local_smtp.sender_name', 'Admin'),
    },
  }
}
