// The PWA slice of the build: manifest, generated icons and the service worker's rules.
// The service worker precaches only the app shell (the static build). Supabase lives on another
// origin and gets no runtime cache, so no client data ever lands in a cache.
import { join } from 'node:path'
import type { ModuleOptions } from '@vite-pwa/nuxt'
import { projectRoot } from '../devstack/src/config.ts'

export const themeColour = '#1e3a5f'

/** Component tests need neither the service worker nor the generated icons. */
const inVitest = process.env.VITEST === 'true'

export const pwaOptions: ModuleOptions = {
  registerType: 'prompt',
  manifest: {
    id: '/',
    name: 'Mandantenportal',
    short_name: 'Mandantenportal',
    description: 'Sicherer Austausch mit Ihrer Kanzlei: Nachrichten, Dokumente, Tickets und Termine an einem Ort.',
    lang: 'de',
    dir: 'ltr',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    theme_color: themeColour,
    background_color: '#f8fafc',
    categories: ['business', 'productivity'],
  },
  // Favicons, touch icon, the manifest icons and a maskable icon, all from one source image.
  pwaAssets: {
    image: join(projectRoot, 'public', 'logo.svg'),
    preset: 'minimal-2023',
    overrideManifestIcons: true,
    // The head links are static in nuxt.config.ts (app.head).
    includeHtmlHeadLinks: false,
    disabled: inVitest,
  },
  workbox: {
    // The manifest is added by the plugin itself (listing it twice would break the precache).
    globPatterns: ['**/*.{js,css,html,svg,png,ico}'],
    // Every navigation offline opens the SPA shell, which then says what needs a connection. The
    // module precaches the generated pages under their routes ('/' is index.html, the shell).
    navigateFallback: '/',
    navigateFallbackDenylist: [/^\/sw\.js$/, /^\/workbox-/],
    // The password dictionaries (zxcvbn, ~0.4–1.2 MB a chunk) load only where a password is set,
    // and only online; every other chunk is far smaller.
    maximumFileSizeToCacheInBytes: 256 * 1024,
    cleanupOutdatedCaches: true,
    runtimeCaching: [],
  },
  // Leaving the dictionaries out is intended: report it, do not fail the build over it.
  showMaximumFileSizeToCacheInBytesWarning: true,
  client: {
    installPrompt: true,
    periodicSyncForUpdates: 3600,
  },
  devOptions: { enabled: false },
  disable: inVitest,
}
