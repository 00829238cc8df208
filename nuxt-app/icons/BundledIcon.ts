// Stands in for @nuxt/icon's <NuxtIcon> (nuxt.config.ts aliases it), which every <UIcon> renders.
// The portal's icons are bundled at build time, each with the code that names it
// (scripts/icon-imports.ts), so drawing them needs no icon loader: this renders the registered
// SVG inline and keeps @iconify/vue out of the app. Nuxt UI's own components take theirs from
// the app config (app.config.ts names the ones the portal shows).
import { computed, defineComponent, h } from 'vue'
import { icons } from './registry'

/** `i-lucide-arrow-right`, `lucide-arrow-right` and `lucide:arrow-right` name the same icon. */
function iconKey(name: string): string {
  const bare = name.startsWith('i-') ? name.slice(2) : name
  return bare.includes(':') || !bare.startsWith('lucide-') ? bare : `lucide:${bare.slice('lucide-'.length)}`
}

export default defineComponent({
  name: 'BundledIcon',
  props: {
    name: { type: String, required: true },
    size: { type: [Number, String], default: null },
  },
  setup(props) {
    const icon = computed(() => icons.get(iconKey(props.name)))
    return () => {
      const data = icon.value
      if (!data) return h('span', { 'class': 'iconify', 'aria-hidden': 'true' })
      const size = props.size === null ? '1em' : (Number.isNaN(+props.size) ? props.size : `${props.size}px`)
      return h('svg', {
        'xmlns': 'http://www.w3.org/2000/svg',
        'class': 'iconify',
        'viewBox': `${data.left ?? 0} ${data.top ?? 0} ${data.width ?? 16} ${data.height ?? 16}`,
        'width': size,
        'height': size,
        'aria-hidden': 'true',
        'innerHTML': data.body,
      })
    }
  },
})
