// Vitest projects, one per tier: `unit` (pure logic, no services); `nuxt` (the app's stores,
// composables and components in a Nuxt environment, with Supabase replaced by fakes);
// `contract` (supabase-js against the running API: the devstack, or a real Supabase named by
// SUPABASE_URL and keys); `fuzz` (malformed requests against the API, and property tests of
// the REST query parser); `integration` (flows across services, same targets).
import { defineVitestProject } from '@nuxt/test-utils/config'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Test files mostly wait on the API, not the CPU: run two at a time even on 2 cores (vitest
    // would use one), so the integration project's wait for pg_cron's minute overlaps the rest.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['tests/unit/**/*.test.ts', 'devstack/**/*.test.ts'],
        },
      },
      await defineVitestProject({
        test: {
          name: 'nuxt',
          environment: 'nuxt',
          include: ['tests/nuxt/**/*.test.ts'],
          // h3Version: the hoisted h3 is v2 (for other tools), but this Nuxt's server and test-utils use v1.
          environmentOptions: { nuxt: { domEnvironment: 'happy-dom', h3Version: 1 } },
          testTimeout: 20_000,
        },
      }),
      {
        test: {
          name: 'contract',
          environment: 'node',
          include: ['tests/contract/**/*.test.ts'],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'fuzz',
          environment: 'node',
          include: ['tests/fuzz/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          environment: 'node',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/integration/scheduled-heartbeat.setup.ts'],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
})
