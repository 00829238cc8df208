// Nuxt UI's colours (ui.colors) are fixed in assets/css/palette.css, not here: see nuxt.config.ts.
export default defineAppConfig({})
