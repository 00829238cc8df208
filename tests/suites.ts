// The tiers `make test` runs, in order. Each returns pass/fail counts; a suite that cannot run at
// all counts as one failure, and suites that need it are skipped (and counted) instead of hanging.
import { existsSync, globSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { type DevstackConfig, dbUrl } from '../devstack/src/config.ts'
import { ensureSystemPackages } from '../devstack/src/db/cluster.ts'
import { denoEnvironment } from '../devstack/src/functions/deno-env.ts'
import { appBuildDir, serveApp } from '../scripts/serve-app.ts'
import { runStreaming } from './helpers/command.ts'
import { countDeno, countTap, countVitest, type Counts } from './helpers/parse-results.ts'

export type SuiteResult = Counts

export interface Suite {
  name: string
  /** Runs only with `--only <name>`. */
  onDemand?: boolean
  /** Suites that must have passed first. */
  needs?: string[]
  run: (config: DevstackConfig) => Promise<SuiteResult>
  teardown?: (config: DevstackConfig) => Promise<void>
}

const devstack = (config: DevstackConfig, command: string, env: NodeJS.ProcessEnv = {}) =>
  runStreaming('node', [join(config.root, 'devstack/src/cli.ts'), command], { env: { DEVSTACK_INSTANCE: config.instance, ...env } })

/**
 * The test clients play the portal's front proxy: each names its own client address in
 * X-Forwarded-For, so per-IP limits count every test apart. Other loopback peers (127.0.0.2, …)
 * stay untrusted, which is how the tests prove that a rotating header gains a caller nothing.
 */
const testTrustedProxies = '127.0.0.1'

const single = (code: number): SuiteResult => (code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 })

async function checks(list: Array<[label: string, run: () => Promise<{ code: number }>]>): Promise<SuiteResult> {
  const total = { passed: 0, failed: 0 }
  for (const [label, runCheck] of list) {
    const { code } = await runCheck()
    console.log(`   ${code === 0 ? '✓' : '✗'} ${label}`)
    const result = single(code)
    total.passed += result.passed
    total.failed += result.failed
  }
  return total
}

const pgtapFiles = (config: DevstackConfig) =>
  globSync('supabase/tests/**/*.test.sql', { cwd: config.root }).sort()

export const suites: Suite[] = [
  {
    name: 'database',
    // A fresh cluster every run: platform schema → migrations (Supabase CLI) → seed.
    run: async config => single((await devstack(config, 'db:reset')).code),
    teardown: async (config) => {
      if (!process.env.KEEP_TEST_STACK) await devstack(config, 'stop')
    },
  },
  {
    name: 'api',
    needs: ['database'],
    // The devstack API in the background for the contract, integration and browser tiers.
    run: async config => single((await devstack(config, 'api:start', { DEVSTACK_TRUSTED_PROXIES: testTrustedProxies })).code),
  },
  {
    name: 'pgtap',
    needs: ['database'],
    run: async (config) => {
      const helpers = globSync('supabase/tests/helpers/*.sql', { cwd: config.root }).sort()
      for (const file of helpers) {
        const { code } = await runStreaming('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', dbUrl(config), '-f', file], { cwd: config.root })
        if (code !== 0) throw new Error(`pgTAP helpers failed to load from ${file}`)
      }
      const files = pgtapFiles(config)
      const { output } = await runStreaming('pg_prove', ['-v', '--dbname', dbUrl(config), ...files], { cwd: config.root, quiet: true })
      const failures = output.split('\n').filter(line => /not ok|^#|planned|No plan|ERROR|Failed|Result/.test(line))
      console.log(failures.join('\n'))
      const counts = countTap(output)
      // A file that cannot even start (e.g. psql error before the plan) shows only in the summary.
      if (counts.passed + counts.failed === 0 && files.length > 0) return { passed: 0, failed: 1 }
      return counts
    },
  },
  {
    name: 'lint',
    run: config => checks([
      ['ESLint', async () => {
        const prepared = await runStreaming('nuxi', ['prepare'], { cwd: config.root, quiet: true })
        return prepared.code === 0 ? runStreaming('eslint', ['--max-warnings=0', '.'], { cwd: config.root }) : prepared
      }],
      ['plpgsql_check (supabase db lint)', () => dbLint(config)],
    ]),
  },
  {
    name: 'typecheck',
    run: config => checks([
      // vue-tsc -b follows tsconfig.json's references: the Nuxt app and the Node-side tooling.
      ['vue-tsc -b (app, devstack, tests)', async () => {
        const prepared = await runStreaming('nuxi', ['prepare'], { cwd: config.root, quiet: true })
        return prepared.code === 0 ? runStreaming('vue-tsc', ['-b', '--noEmit'], { cwd: config.root }) : prepared
      }],
    ]),
  },
  {
    name: 'vitest',
    run: config => vitestCounts(config, 'vitest-report.json'),
  },
  {
    name: 'e2e',
    needs: ['api'],
    // One `nuxt generate` per run (pointed at this instance's API), served statically on the
    // instance's app port, then the Playwright journeys in Debian's Chromium.
    run: async (config) => {
      ensureSystemPackages([['chromium', '/usr/bin/chromium']])
      const build = await runStreaming('nuxi', ['generate'], { cwd: config.root, quiet: true, env: { DEVSTACK_INSTANCE: config.instance } })
      if (build.code !== 0) {
        console.log(build.output.split('\n').slice(-40).join('\n'))
        throw new Error('nuxt generate failed')
      }
      const server = await serveApp(appBuildDir(config.root), config.ports.app)
      try {
        return await vitestCounts(config, 'e2e-report.json', ['--config', 'tests/e2e/vitest.config.ts'])
      }
      finally {
        server.close()
      }
    },
  },
  {
    name: 'deno',
    // Inside edge-functions/ so Deno uses its deno.json (npm: imports, no node_modules), with the
    // packages `make deps` installed (never a download); tests that need the database get it as
    // functions do, through SUPABASE_DB_URL.
    run: async (config) => {
      const functionsDir = join(config.root, 'edge-functions')
      const testFiles = globSync('**/*.test.ts', { cwd: functionsDir })
      if (testFiles.length === 0) return { passed: 0, failed: 0 }
      const { output } = await runStreaming('deno', ['test', '-A', '--no-prompt', '--cached-only', '--frozen', ...testFiles], {
        cwd: functionsDir,
        env: { ...denoEnvironment(config.root), SUPABASE_DB_URL: dbUrl(config), NO_COLOR: '1' },
      })
      return countDeno(output)
    },
  },
  {
    name: 'bench-smoke',
    needs: ['api'],
    // Each benchmark with a smoke size runs it on the test instance (a handful of rows or files,
    // seconds), asserting only that it ran and lost nothing; the real sizes run by hand (bench/README.md).
    run: config => checks(benchSmokes.map(bench => [`bench/${bench} --smoke`, async () => {
      const result = await runStreaming('node', [join(config.root, 'bench', bench, 'run.ts'), '--smoke', '--instance', config.instance], { cwd: config.root, quiet: true })
      if (result.code !== 0) console.log(result.output.split('\n').slice(-30).join('\n'))
      return result
    }])),
  },
]

/** Benchmarks whose run.ts takes `--smoke --instance <name>`; add yours here. */
const benchSmokes = ['administration', 'backup', 'chat', 'documents', 'pages', 'realtime', 'tickets']

/** Runs vitest with a JSON report in the instance's data folder and counts its results. */
async function vitestCounts(config: DevstackConfig, reportName: string, args: string[] = []): Promise<SuiteResult> {
  const reportFile = join(config.dataDir, reportName)
  rmSync(reportFile, { force: true })
  await runStreaming('vitest', ['run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`], {
    cwd: config.root,
    env: { DEVSTACK_INSTANCE: config.instance },
  })
  if (!existsSync(reportFile)) throw new Error('vitest wrote no report')
  return countVitest(JSON.parse(readFileSync(reportFile, 'utf8')))
}

/** plpgsql_check over our own schemas only (the platform's are Supabase's business). */
async function dbLint(config: DevstackConfig) {
  if (!existsSync(join(config.pgDataDir, 'postmaster.pid'))) {
    console.log('   (database not running: start it with `make dev` or run `make test`)')
    return { code: 1 }
  }
  const schemas = ['public', 'private', 'ops']
  return runStreaming('supabase', ['db', 'lint', '--db-url', `${dbUrl(config)}?sslmode=disable`, '-s', schemas.join(','), '--fail-on', 'error', '--level', 'warning'], { cwd: config.root })
}
