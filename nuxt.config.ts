// The portal's PWA: a static single-page app (no server of its own) next to Supabase.
export default defineNuxtConfig({
  modules: ['@nuxt/eslint'],
  ssr: false,
  devtools: { enabled: false },
  srcDir: 'nuxt-app',
  compatibilityDate: '2026-11-01',
  typescript: {
    tsConfig: {
      compilerOptions: { noUncheckedIndexedAccess: true },
    },
  },
  telemetry: false,
  eslint: {
    config: {
      stylistic: true,
    },
  },
})
