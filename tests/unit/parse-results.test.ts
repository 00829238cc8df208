import { describe, expect, it } from 'vitest'
import { withReservedRange } from '../../devstack/src/lib/reserved-ports.ts'
import { countDeno, countTap, countVitest } from '../helpers/parse-results.ts'

describe('countTap', () => {
  it('counts ok and not ok lines of pg_prove -v', () => {
    const output = ['supabase/tests/a.test.sql ..', 'ok 1 - first', 'not ok 2 - second', '# Failed test 2', 'ok 3 - third', '1..3'].join('\n')
    expect(countTap(output)).toEqual({ passed: 2, failed: 1 })
  })

  it('counts every planned but unrun assertion of a file that died as a failure', () => {
    const output = 'ok 1 - first\n# Looks like you planned 5 tests but ran 1.\nParse errors: Bad plan.  You planned 5 tests but ran 1.'
    expect(countTap(output)).toEqual({ passed: 1, failed: 8 })
  })

  it('counts a file without any plan as one failure', () => {
    expect(countTap('psql:x.sql:3: ERROR:  syntax error\nParse errors: No plan found in TAP output')).toEqual({ passed: 0, failed: 1 })
  })
})

describe('countVitest', () => {
  it('adds files that failed to load to the failed tests', () => {
    const report = {
      numPassedTests: 4,
      numFailedTests: 1,
      testResults: [
        { status: 'passed', assertionResults: [{}, {}] },
        { status: 'failed', assertionResults: [] },
      ],
    }
    expect(countVitest(report)).toEqual({ passed: 4, failed: 2 })
  })

  it('counts a file whose hook failed and skipped its tests once, and a file with failed tests by its tests', () => {
    const report = {
      numPassedTests: 3,
      numFailedTests: 2,
      testResults: [
        { status: 'failed', assertionResults: [{ status: 'skipped' }] },
        { status: 'failed', assertionResults: [{ status: 'passed' }, { status: 'failed' }, { status: 'failed' }] },
        { status: 'passed', assertionResults: [{ status: 'passed' }, { status: 'passed' }] },
      ],
    }
    expect(countVitest(report)).toEqual({ passed: 3, failed: 3 })
  })
})

describe('withReservedRange', () => {
  it('adds the range to the kernel\'s list, keeps what is there, and does nothing when it is covered', () => {
    expect(withReservedRange('\n', 55320, 58921)).toBe('55320-58921')
    expect(withReservedRange('8080,9000-9100\n', 55320, 58921)).toBe('8080,9000-9100,55320-58921')
    expect(withReservedRange('50000-60000\n', 55320, 58921)).toBeNull()
  })
})

describe('countDeno', () => {
  it('reads the closing line with steps', () => {
    expect(countDeno('...\nok | 12 passed (3 steps) | 0 failed (1s)')).toEqual({ passed: 12, failed: 0 })
  })

  it('reads a failed run', () => {
    expect(countDeno('FAILED | 2 passed | 1 failed (40ms)')).toEqual({ passed: 2, failed: 1 })
  })

  it('reads a coloured closing line with ignored tests', () => {
    expect(countDeno('\u001B[0m\u001B[32mok\u001B[0m | 11 passed | 0 failed | 1 ignored \u001B[0m\u001B[38;5;245m(360ms)\u001B[0m'))
      .toEqual({ passed: 11, failed: 0 })
  })

  it('treats output without a closing line as one failure', () => {
    expect(countDeno('error: Module not found')).toEqual({ passed: 0, failed: 1 })
  })
})
