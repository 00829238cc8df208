// Password rules (ASVS 6.2 / NIST 800-63B): length, no composition rules, and a refusal of guessable
// passwords — common ones (zxcvbn's dictionaries) and words from the context: the firm, the
// portal, the user's own name and e-mail address. The server enforces the minimum length too
// (supabase/config.toml minimum_password_length).

export const passwordMinLength = 12
/** bcrypt, which GoTrue uses, reads at most 72 bytes; GoTrue refuses longer passwords. */
export const passwordMaxBytes = 72
/** zxcvbn score (0–4) a password needs: 3 = "safely unguessable" for online attacks and slow hashes. */
export const passwordMinScore = 3

/** Words about this portal that every attacker would try first. */
const portalWords = ['mandantenportal', 'mandant', 'kanzlei', 'portal', 'anwalt', 'rechtsanwalt', 'passwort', 'password']

export interface PasswordContext {
  firmName?: string
  displayName?: string
  email?: string
}

export type PasswordProblem = 'too_short' | 'too_long' | 'context_word' | 'guessable'

export interface PasswordVerdict {
  acceptable: boolean
  /** For the strength meter, 0–4: never shown as strong while a rule still refuses the password. */
  score: number
  problems: PasswordProblem[]
}

const normalise = (text: string) => text.normalize('NFKC').toLowerCase()

/** The context words a password must not contain: names and address parts of four letters or more. */
export function contextWords(context: PasswordContext): string[] {
  const sources = [context.firmName, context.displayName, context.email?.replace('@', ' ')]
  const words = sources.flatMap(source => normalise(source ?? '').split(/[^\p{L}\p{N}]+/u))
  return [...new Set([...portalWords, ...words.filter(word => word.length >= 4)])]
}

/** Hard rules that need no dictionary: length in characters and in bytes, context words. */
export function passwordRuleProblems(password: string, context: PasswordContext): PasswordProblem[] {
  const problems: PasswordProblem[] = []
  if ([...password].length < passwordMinLength) problems.push('too_short')
  if (new TextEncoder().encode(password).length > passwordMaxBytes) problems.push('too_long')
  const lowered = normalise(password)
  if (contextWords(context).some(word => lowered.includes(word))) problems.push('context_word')
  return problems
}

/** Combines the hard rules with a zxcvbn score computed elsewhere (it needs the dictionaries). */
export function judgePassword(password: string, context: PasswordContext, zxcvbnScore: number): PasswordVerdict {
  const problems = passwordRuleProblems(password, context)
  if (problems.length === 0 && zxcvbnScore < passwordMinScore) problems.push('guessable')
  const acceptable = problems.length === 0
  return { acceptable, score: acceptable ? zxcvbnScore : Math.min(zxcvbnScore, passwordMinScore - 1), problems }
}
