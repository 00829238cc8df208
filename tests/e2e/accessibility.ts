// axe-core in the journey's page: the WCAG 2.1 A and AA rules, as Lighthouse's accessibility audit
// runs them. A journey asserts that the screens it passes through have no violations.
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

const axeScript = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

interface AxeResults { violations: Array<{ id: string, nodes: Array<{ target: string[] }> }> }

/** Each violation as `rule: selectors`; empty when the page passes. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  // The screen at rest: a pointer left over a button would be judged in its hover colours.
  await page.mouse.move(0, 0)
  if (!await page.evaluate(() => 'axe' in window)) await page.addScriptTag({ path: axeScript })
  const results = await page.evaluate(() => (window as unknown as { axe: { run: (context: Document, options: object) => Promise<AxeResults> } })
    .axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }))
  return results.violations.map(violation => `${violation.id}: ${violation.nodes.map(node => node.target.join(' ')).join(', ')}`)
}
