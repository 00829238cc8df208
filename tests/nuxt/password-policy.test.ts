import { describe, expect, it } from 'vitest'
import { contextWords, judgePassword, passwordMinScore, passwordRuleProblems } from '~/utils/password-policy'

const context = { firmName: 'Kanzlei Weber & Partner', displayName: 'Jonas Becker', email: 'j.becker@mustermann-gmbh.de' }

describe('password policy', () => {
  it('takes names and address parts of four letters or more as context words', () => {
    const words = contextWords(context)
    expect(words).toEqual(expect.arrayContaining(['weber', 'partner', 'jonas', 'becker', 'mustermann', 'gmbh', 'kanzlei', 'mandantenportal']))
    expect(words).not.toContain('de')
  })

  it('refuses passwords under 12 characters, counting characters rather than bytes', () => {
    expect(passwordRuleProblems('Kurz-und-gut', {})).toEqual([])
    expect(passwordRuleProblems('Kurz-und-gu', {})).toEqual(['too_short'])
    expect(passwordRuleProblems('äöüäöüäöüäöü', {})).toEqual([])
  })

  it('refuses passwords over 72 bytes, which bcrypt would cut off', () => {
    expect(passwordRuleProblems('ä'.repeat(36), {})).toEqual([])
    expect(passwordRuleProblems('ä'.repeat(37), {})).toEqual(['too_long'])
  })

  it('refuses a password containing the user’s name, e-mail or the firm, in any case', () => {
    expect(passwordRuleProblems('MeinNameIstBECKER!', context)).toContain('context_word')
    expect(passwordRuleProblems('mustermann-sommer-2026', context)).toContain('context_word')
    expect(passwordRuleProblems('WeberSeeBlauHimmel', context)).toContain('context_word')
    expect(passwordRuleProblems('Regenschirm Tanzt Leise', context)).toEqual([])
  })

  it('needs the zxcvbn score on top of the hard rules, and never shows a refused password as strong', () => {
    expect(judgePassword('Regenschirm Tanzt Leise', context, passwordMinScore)).toEqual({ acceptable: true, score: passwordMinScore, problems: [] })
    expect(judgePassword('Regenschirm Tanzt Leise', context, passwordMinScore - 1).problems).toEqual(['guessable'])
    const refused = judgePassword('Becker Tanzt Leise', context, 4)
    expect(refused.acceptable).toBe(false)
    expect(refused.score).toBeLessThan(passwordMinScore)
  })
})
