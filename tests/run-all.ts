// `make test`: every test tier against one fresh test instance, then one summary line
// `N passed, N failed` that sums all suites. `--only <suite>` runs a single suite.
import { mkdirSync } from 'node:fs'
import { loadConfig } from '../devstack/src/config.ts'
import { reservePorts } from '../devstack/src/lib/reserved-ports.ts'
import { suites, type SuiteResult } from './suites.ts'

process.env.DEVSTACK_INSTANCE ??= 'test'
const config = loadConfig()
mkdirSync(config.dataDir, { recursive: true })
// The test instance and those the suites start beside it (restore +500, realtime-restart +1000;
// their ports are the test instance's shifted by that much) plus room for the bench smokes.
reservePorts(config.ports.api - 1, config.ports.api + 3600)

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined
const selected = suites.filter(suite => (only ? suite.name === only : !suite.onDemand))
if (selected.length === 0) {
  console.error(`Unknown suite "${only}". Suites: ${suites.map(suite => suite.name).join(', ')}`)
  process.exit(2)
}

const results: Array<SuiteResult & { name: string, seconds: number }> = []
const failedSetups = new Set<string>()
for (const suite of selected) {
  const missing = (suite.needs ?? []).filter(name => failedSetups.has(name))
  const started = Date.now()
  let result: SuiteResult
  if (missing.length > 0) {
    console.log(`\n── ${suite.name}: skipped, because ${missing.join(', ')} failed (counted as 1 failure)`)
    result = { passed: 0, failed: 1 }
  }
  else {
    console.log(`\n── ${suite.name}`)
    try {
      result = await suite.run(config)
    }
    catch (error) {
      console.log(error instanceof Error ? error.message : String(error))
      result = { passed: 0, failed: 1 }
    }
  }
  if (result.failed > 0) failedSetups.add(suite.name)
  const seconds = (Date.now() - started) / 1000
  results.push({ ...result, name: suite.name, seconds })
  console.log(`   ${suite.name}: ${result.passed} passed, ${result.failed} failed (${seconds.toFixed(1)} s)`)
}

for (const suite of selected) await suite.teardown?.(config)

console.log('\nSummary')
for (const result of results) {
  console.log(`  ${result.name.padEnd(12)} ${String(result.passed).padStart(5)} passed ${String(result.failed).padStart(4)} failed  ${result.seconds.toFixed(1).padStart(6)} s`)
}
const passed = results.reduce((sum, result) => sum + result.passed, 0)
const failed = results.reduce((sum, result) => sum + result.failed, 0)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 ? 1 : 0)
