// The portal's PWA: a static single-page app (no server of its own) next to Supabase.
// `nuxt generate` writes it to .output/public; every setting below is baked in at build time.
import { fileURLToPath } from 'node:url'
import { loadConfig } from './devstack/src/config.ts'
import { pwaOptions, themeColour } from './nuxt-app/pwa.config.ts'
import { iconImports } from './scripts/icon-imports.ts'

// Without NUXT_PUBLIC_SUPABASE_* the app talks to the devstack instance this build belongs to
// (DEVSTACK_INSTANCE, DEVSTACK_PORT_OFFSET), with the Supabase CLI's well-known local anon key.
const devstack = loadConfig()

export default defineNuxtConfig({
  modules: ['@nuxt/eslint', '@nuxt/ui', '@pinia/nuxt', '@nuxtjs/i18n', '@vite-pwa/nuxt'],
  // The manifest exists only in the production build (`nuxt generate`, `make preview`): `nuxt dev`
  // serves none, and a link to it made browsers parse the SPA's HTML ("Manifest: Line 1, column 1,
  // Syntax error" on every page).
  $production: {
    app: { head: { link: [{ rel: 'manifest', href: '/manifest.webmanifest' }] } },
  },
  ssr: false,
  // Components are named by file (layout/AppNavigation.vue → <AppNavigation>); folders group by feature.
  components: [{ path: '~/components', pathPrefix: false }],
  devtools: { enabled: false },
  app: {
    // In the static HTML itself, so browsers see the manifest and icons before any script runs.
    head: {
      htmlAttrs: { lang: 'de' },
      title: 'Mandantenportal',
      link: [
        { rel: 'icon', href: '/favicon.ico', sizes: '48x48' },
        { rel: 'icon', href: '/logo.svg', type: 'image/svg+xml' },
        { rel: 'apple-touch-icon', href: '/apple-touch-icon-180x180.png' },
      ],
      meta: [{ name: 'theme-color', content: themeColour }],
    },
  },
  css: ['~/assets/css/main.css'],
  // Every component here uses <script setup>; dropping the Options API shrinks Vue's runtime.
  vue: { optionsApi: false },
  // Offline-capable: no web fonts, icons bundled into the app instead of fetched from an API.
  ui: {
    fonts: false,
    colorMode: false,
    // Only the colours the portal uses: every colour adds variants to each component's theme.
    theme: { colors: ['primary', 'success', 'info', 'warning', 'error'] },
    experimental: { componentDetection: true },
  },
  runtimeConfig: {
    public: {
      supabaseUrl: process.env.NUXT_PUBLIC_SUPABASE_URL || devstack.apiUrl,
      supabaseAnonKey: process.env.NUXT_PUBLIC_SUPABASE_ANON_KEY || devstack.anonKey,
      firmName: process.env.NUXT_PUBLIC_FIRM_NAME || 'Kanzlei',
      /** Mirrors [auth.sessions] in supabase/config.toml, so the app warns before the server ends a session. */
      sessionIdleMinutes: 30,
      sessionMaxHours: 12,
    },
  },
  srcDir: 'nuxt-app',
  // Icons are bundled with the code that names them (scripts/icon-imports.ts): a small inline-SVG
  // component draws them instead of @nuxt/icon's loader and @iconify/vue (about 11 KB gzip on every route).
  alias: { '@nuxt/icon/runtime/components/index.js': fileURLToPath(new URL('./nuxt-app/icons/BundledIcon.ts', import.meta.url)) },
  // Source maps only for bench/web/breakdown.ts (PORTAL_SOURCEMAP=1), never in the normal build:
  // 'hidden' writes the .map files without pointing the scripts at them.
  sourcemap: { client: process.env.PORTAL_SOURCEMAP ? 'hidden' : false, server: false },
  devServer: { host: '127.0.0.1', port: devstack.ports.app },
  // Links load their page's code when hovered or focused rather than when they scroll into view:
  // the first load stays small, and the service worker caches the rest in the background.
  experimental: {
    defaults: { nuxtLink: { prefetchOn: { visibility: false, interaction: true } } },
    // A static SPA without route rules needs no build manifest (one request and some code less).
    appManifest: false,
  },
  compatibilityDate: '2026-11-01',
  vite: {
    plugins: [iconImports({
      appDir: fileURLToPath(new URL('./nuxt-app/', import.meta.url)),
      registry: fileURLToPath(new URL('./nuxt-app/icons/registry.ts', import.meta.url)),
    })],
    build: {
      rolldownOptions: {
        // Nuxt defines useAsyncData and useFetch through factory calls the bundler cannot prove
        // pure, so both (with $fetch) stay in every page although the portal uses neither.
        treeshake: { manualPureFunctions: ['defineKeyedFunctionFactory', 'createUseAsyncData', 'createUseFetch'] },
      },
    },
  },
  typescript: {
    tsConfig: {
      compilerOptions: { noUncheckedIndexedAccess: true },
    },
    nodeTsConfig: {
      compilerOptions: { allowImportingTsExtensions: true },
    },
  },
  telemetry: false,
  hooks: {
    // No <link rel=prefetch> for every lazy chunk (supabase-js, every page) in the HTML: on a slow
    // first visit they compete with the page's own code, and the service worker's precache
    // fetches them anyway once the page is up. Links still prefetch their page on hover/focus.
    'build:manifest'(manifest) {
      for (const chunk of Object.values(manifest)) chunk.prefetch = false
    },
    'app:templates'(app) {
      // Nuxt defines a global $fetch (ofetch, ≈ 2 KB gzip) in every page's entry; the portal never
      // calls it (supabase-js uses fetch) and Nuxt only would for payloads, islands and build
      // manifests, which this SPA has none of. It stays defined, but ofetch loads on a first call.
      const template = app.templates.find(entry => entry.filename === 'fetch.mjs')
      if (template) {
        template.getContents = () => [
          'if (!globalThis.$fetch) {',
          '  globalThis.$fetch = (request, options) => import(\'ofetch\').then(({ $fetch }) => $fetch(request, options))',
          '}',
          'export const $fetch = globalThis.$fetch',
        ].join('\n')
      }
    },
    'app:resolve'(app) {
      // @nuxt/icon's plugin only configures the icon loader that BundledIcon replaces; Nuxt UI's
      // colors plugin computes the palette at runtime, which assets/css/palette.css fixes instead;
      // @vite-pwa/nuxt's icons plugin provides $pwaIcons (the icons' head links as data), which
      // nothing uses: the links are static in app.head.
      const replaced = ['@nuxt/icon/', '@nuxt/ui/dist/runtime/plugins/colors', 'pwa-icons-plugin']
      app.plugins = app.plugins.filter(plugin => !replaced.some(path => plugin.src.includes(path)))
    },
  },
  eslint: {
    config: {
      stylistic: true,
    },
  },
  i18n: {
    defaultLocale: 'de',
    strategy: 'no_prefix',
    locales: [
      { code: 'de', language: 'de-DE', name: 'Deutsch', file: 'de.json' },
      { code: 'en', language: 'en-GB', name: 'English', file: 'en.json' },
    ],
    detectBrowserLanguage: { useCookie: true, cookieKey: 'portal_locale', fallbackLocale: 'de' },
    // Messages are precompiled at build time: the runtime compiler and the global components stay out.
    bundle: { dropMessageCompiler: true, fullInstall: false },
  },
  icon: {
    provider: 'none',
    serverBundle: false,
    fallbackToApi: false,
    // No client bundle of every icon: scripts/icon-imports.ts puts each icon with the code that
    // names it (Nuxt UI's own icons are named in icons/BundledIcon.ts).
    clientBundle: { scan: false },
  },
  pwa: pwaOptions,
})
