// Vite plugin: each app module carries the icons it names. Every `i-lucide-<name>` in a module of
// nuxt-app/ (template, script, a list in a .ts file) becomes a registration of that icon's SVG at
// the top of the module (nuxt-app/icons/registry.ts), so an icon ships in the chunk of the code
// that shows it: the sign-in carries its few icons, not all of them (@nuxt/icon's client bundle
// put every icon, ≈ 5 KB gzip, into the entry). Inline rather than one module per icon: shared
// icon modules became dozens of tiny chunks whose overhead ate the saving; an icon named in two
// chunks is in both, which costs less. Names built at runtime are not found; the portal writes
// every icon name out.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Plugin } from 'vite'

interface IconSet {
  icons: Record<string, { body: string, width?: number, height?: number, left?: number, top?: number }>
  aliases?: Record<string, { parent: string }>
  width?: number
  height?: number
}

const iconName = /\bi-lucide-([a-z0-9]+(?:-[a-z0-9]+)*)/g

export function iconImports(options: { appDir: string, registry: string }): Plugin {
  const require = createRequire(import.meta.url)
  const lucide = JSON.parse(readFileSync(require.resolve('@iconify-json/lucide/icons.json'), 'utf8')) as IconSet
  const iconData = (name: string) => {
    const icon = lucide.icons[name] ?? lucide.icons[lucide.aliases?.[name]?.parent ?? '']
    return icon && { width: lucide.width ?? 16, height: lucide.height ?? 16, ...icon }
  }
  return {
    name: 'portal-icon-imports',
    // After Vue's compiler: a component's template is code by then, with its icon names in it.
    enforce: 'post',
    transform(code, id) {
      if (!id.startsWith(options.appDir) || id.startsWith(options.registry) || /type=style|\.css/.test(id)) return null
      const names = [...new Set([...code.matchAll(iconName)].map(match => match[1]!))].filter(name => iconData(name))
      if (!names.length) return null
      const registrations = names.map(name => `__registerIcon(${JSON.stringify(`lucide:${name}`)}, ${JSON.stringify(iconData(name))});`).join('')
      return { code: `import { registerIcon as __registerIcon } from ${JSON.stringify(options.registry)};${registrations}${code}`, map: null }
    },
  }
}
