import { chromium } from 'playwright-core'
const base = 'http://127.0.0.1:3600'
const context = await chromium.launchPersistentContext('/tmp/pe/profile-' + Date.now(), { executablePath: '/usr/bin/chromium', headless: true, locale: 'de-DE', viewport: { width: 1280, height: 900 }, args: ['--no-sandbox', '--disable-gpu'] })
const page = context.pages()[0]!
page.on('console', m => m.type() === 'error' && console.log('console:', m.text()))
page.on('pageerror', e => console.log('pageerror:', e.message))
await page.goto(`${base}/anmelden`)
await page.getByLabel('E-Mail-Adresse').fill(process.argv[2] ?? 'sekretariat@kanzlei.example')
await page.getByLabel('Passwort', { exact: true }).fill('Demo-Zugang-lokal-2026')
await page.getByRole('button', { name: 'Anmelden' }).click()
await page.waitForURL(u => u.pathname === '/' || u.pathname.startsWith('/sicherheit') || u.pathname.startsWith('/anmelden/'), { timeout: 30000 })
console.log('after sign-in', page.url())
await page.goto(`${base}${process.argv[3] ?? '/seiten'}`)
await page.waitForTimeout(4000)
await page.screenshot({ path: '/tmp/pe/shot.png', fullPage: true })
console.log(page.url())
await context.close()
