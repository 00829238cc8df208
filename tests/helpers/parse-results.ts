// Turns each test tool's own output into pass/fail counts for the one summary line of `make test`.
import { stripVTControlCharacters } from 'node:util'

export interface Counts { passed: number, failed: number }

/**
 * pg_prove -v output: one `ok`/`not ok` line per assertion. A file that dies early (SQL error, bad
 * plan) runs fewer assertions than planned; each missing one counts as a failure, and a file with
 * no plan at all as one.
 */
export function countTap(output: string): Counts {
  let passed = 0
  let failed = 0
  for (const line of output.split('\n')) {
    if (/^\s*ok \d+/.test(line)) passed++
    else if (/^\s*not ok \d+/.test(line)) failed++
  }
  for (const match of output.matchAll(/planned (\d+) tests? but ran (\d+)/g)) {
    const missing = Number(match[1]) - Number(match[2])
    if (missing > 0) failed += missing
  }
  failed += (output.match(/No plan found in TAP output/g) ?? []).length
  return { passed, failed }
}

interface VitestJson {
  numPassedTests: number
  numFailedTests: number
  testResults: Array<{ status: string, assertionResults: Array<{ status?: string }> }>
}

/**
 * Vitest's JSON report. A test file that failed without a failed test — it did not load, or a
 * beforeAll/afterAll hook threw and its tests were skipped — counts as one failure.
 */
export function countVitest(report: VitestJson): Counts {
  const brokenFiles = report.testResults
    .filter(file => file.status === 'failed' && !file.assertionResults.some(test => test.status === 'failed'))
    .length
  return { passed: report.numPassedTests, failed: report.numFailedTests + brokenFiles }
}

/** Deno's closing line: `ok | 12 passed (3 steps) | 0 failed` or `FAILED | 2 passed | 1 failed`. */
export function countDeno(output: string): Counts {
  // Deno colours its summary even into a pipe unless NO_COLOR is set.
  const plain = stripVTControlCharacters(output)
  const match = /(?:ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/.exec(plain)
  if (!match) return { passed: 0, failed: 1 }
  return { passed: Number(match[1]), failed: Number(match[2]) }
}
