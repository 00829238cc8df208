// The browser journeys: Playwright (playwright-core) driving Debian's Chromium against the
// generated app, served by the e2e suite in tests/suites.ts. Its own config, so the plain
// `vitest run` of the other tiers never starts a browser.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    name: 'e2e',
    root: new URL('../..', import.meta.url).pathname,
    include: ['tests/e2e/**/*.test.ts'],
    environment: 'node',
    // One browser at a time: the machine has two cores, shared with the devstack.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
