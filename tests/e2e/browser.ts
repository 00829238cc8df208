// Chromium for the journeys: Debian's /usr/bin/chromium (never a downloaded browser), a fresh
// profile per test, and screenshots of each step as test artifacts in test-results/e2e/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { loadConfig } from '../../devstack/src/config.ts'

const config = loadConfig({ DEVSTACK_INSTANCE: 'test', ...process.env })

/** Where the suite serves the generated app (E2E_APP_URL to point the journeys elsewhere). */
export const appUrl = process.env.E2E_APP_URL || `http://127.0.0.1:${config.ports.app}`
export const artifactsDir = join(config.root, 'test-results', 'e2e')

export interface Journey {
  context: BrowserContext
  page: Page
  /** Saves a full-page screenshot named `<journey>/<nn>-<step>.png`. */
  screenshot: (step: string) => Promise<void>
  /** The same step at 1280 px and at 360 px wide (`<nn>-<step>-1280.png`, `-360.png`). */
  screenshots: (step: string) => Promise<void>
  close: () => Promise<void>
}

export interface BrowserOptions { locale?: string, viewport?: { width: number, height: number }, timezoneId?: string }

export const chromiumPath = process.env.CHROME_PATH || '/usr/bin/chromium'

/** Chromium with a fresh profile (removed on close); also used by bench/web. */
export async function launchChromium(options: BrowserOptions = {}): Promise<{ context: BrowserContext, page: Page, close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'portal-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    locale: options.locale ?? 'de-DE',
    // The machine's own zone unless a journey needs a reader's clock (e.g. a client in Berlin).
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
    viewport: options.viewport ?? { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  const page = context.pages()[0] ?? await context.newPage()
  return {
    context,
    page,
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

export async function startJourney(name: string, options: BrowserOptions = {}): Promise<Journey> {
  const { context, page, close } = await launchChromium(options)
  const dir = join(artifactsDir, name)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  let step = 0
  const screenshot = async (label: string) => {
    step++
    await page.screenshot({ path: join(dir, `${String(step).padStart(2, '0')}-${label}.png`), fullPage: true })
  }
  return {
    context,
    page,
    screenshot,
    screenshots: async (label) => {
      const wide = page.viewportSize() ?? { width: 1280, height: 800 }
      await screenshot(`${label}-${wide.width}`)
      await page.setViewportSize({ width: 360, height: 780 })
      await screenshot(`${label}-360`)
      await page.setViewportSize(wide)
    },
    close,
  }
}
