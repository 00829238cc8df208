// Journey: the portal as an installable app. After the first visit the shell opens without a
// network, says what needs a connection, and nothing but the static shell is in its caches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appUrl, startJourney, type Journey } from './browser.ts'

describe('PWA shell', () => {
  let journey: Journey
  beforeAll(async () => {
    journey = await startJourney('pwa-shell')
  })
  afterAll(async () => {
    await journey.close()
  })

  it('opens the sign-in page and makes the service worker control it', async () => {
    const { page } = journey
    await page.goto(`${appUrl}/`)
    await page.waitForURL('**/anmelden')
    await page.getByRole('heading', { level: 1 }).waitFor()
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Anmelden')
    // The worker has precached the shell once it is active; a reload puts the page under its control.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready
    })
    await page.reload()
    expect(await page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true)
    await journey.screenshot('sign-in-online')
  })

  it('is installable: a German manifest with maskable icons, and no installability errors', async () => {
    const { page, context } = journey
    const manifest = await page.evaluate(async () => {
      const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]')
      return link ? (await fetch(link.href)).json() : null
    }) as { name: string, description: string, lang: string, theme_color: string, display: string, icons: Array<{ sizes: string, purpose?: string }> } | null
    expect(manifest).toMatchObject({ name: 'Mandantenportal', lang: 'de', display: 'standalone', theme_color: '#1e3a5f' })
    expect(manifest!.description).toMatch(/Kanzlei/)
    expect(manifest!.icons.map(icon => icon.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']))
    expect(manifest!.icons.some(icon => icon.purpose === 'maskable')).toBe(true)

    const cdp = await context.newCDPSession(page)
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors')
    // A session left attached would undo the offline emulation of the next steps.
    await cdp.detach()
    expect(installabilityErrors).toEqual([])
  })

  it('opens a page never visited while offline, says it is offline, and cannot sign in', async () => {
    const { page, context } = journey
    await context.setOffline(true)
    await page.goto(`${appUrl}/dokumente`)
    await page.waitForURL(url => url.pathname === '/anmelden' && url.searchParams.get('weiter') === '/dokumente')
    await page.getByRole('status').filter({ hasText: 'Sie sind offline' }).waitFor()
    await journey.screenshot('offline-shell')

    await page.getByLabel('E-Mail-Adresse').fill('mandantin@example.com')
    await page.getByLabel('Passwort', { exact: true }).fill('Regenschirm tanzt leise')
    await page.getByRole('button', { name: 'Anmelden' }).click()
    await page.getByRole('alert').filter({ hasText: 'nicht erreichbar' }).waitFor()
    await journey.screenshot('offline-sign-in-refused')
  })

  it('explains offline what is unavailable and that no confidential data is kept on the device', async () => {
    const { page } = journey
    await page.goto(`${appUrl}/offline`)
    await page.getByRole('heading', { level: 1, name: 'Keine Verbindung' }).waitFor()
    await page.getByText('Ihr Gerät hat gerade keine Internetverbindung').waitFor()
    expect(await page.getByText('Nachrichten lesen und schreiben').count()).toBe(1)
    expect(await page.getByText('speichert die App keine Nachrichten').count()).toBe(1)
    await journey.screenshot('offline-page')
  })

  it('keeps only the precached static shell in its caches, nothing from the Supabase API', async () => {
    const { page } = journey
    const caches = await page.evaluate(async () => {
      const found: Record<string, string[]> = {}
      for (const name of await globalThis.caches.keys()) {
        found[name] = (await (await globalThis.caches.open(name)).keys()).map(request => request.url)
      }
      return found
    })
    // Only Workbox's precache (the build's files); no runtime cache exists that could hold data.
    expect(Object.keys(caches)).toHaveLength(1)
    expect(Object.keys(caches)[0]).toMatch(/^workbox-precache-/)
    const urls = Object.values(caches).flat()
    expect(urls.length).toBeGreaterThan(10)
    const origin = new URL(appUrl).origin
    expect(urls.filter(url => !url.startsWith(`${origin}/`))).toEqual([])
    expect(urls.filter(url => new URL(url).pathname.startsWith('/_nuxt/')).length).toBeGreaterThan(5)
  })
})

describe('PWA shell on a 360 px phone', () => {
  it('fits the sign-in page without horizontal scrolling', async () => {
    const journey = await startJourney('pwa-shell-phone', { viewport: { width: 360, height: 740 } })
    try {
      await journey.page.goto(`${appUrl}/anmelden`)
      await journey.page.getByRole('button', { name: 'Anmelden' }).waitFor()
      const overflow = await journey.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      expect(overflow).toBe(0)
      await journey.screenshot('sign-in-phone')
    }
    finally {
      await journey.close()
    }
  })
})
