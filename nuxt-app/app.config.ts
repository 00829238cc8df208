// Nuxt UI's colours (ui.colors) are fixed in assets/css/palette.css, not here: see nuxt.config.ts.
// The icons Nuxt UI's own components draw in the portal (its defaults, named here because
// scripts/icon-imports.ts bundles only icons that code under nuxt-app/ names).
export default defineAppConfig({
  ui: {
    icons: {
      loading: 'i-lucide-loader-circle',
      close: 'i-lucide-x',
      check: 'i-lucide-check',
      chevronDown: 'i-lucide-chevron-down',
      chevronRight: 'i-lucide-chevron-right',
    },
  },
})
