// The icon plugin (scripts/icon-imports.ts) puts each icon a module of the app names into that
// module, and nothing into modules outside the app or into the registry itself.
import { describe, expect, it } from 'vitest'
import { iconImports } from '../../scripts/icon-imports.ts'

const plugin = iconImports({ appDir: '/app/nuxt-app/', registry: '/app/nuxt-app/icons/registry.ts' })
const transform = (code: string, id: string) => (plugin.transform as (code: string, id: string) => { code: string } | null)(code, id)?.code ?? null

describe('iconImports', () => {
  it('registers the lucide icons a module names, once each, and skips names that are no icon', () => {
    const code = transform('const a = "i-lucide-eye"; const b = `i-lucide-eye`; h(UIcon, { name: "i-lucide-trash-2" }); const c = "i-lucide-no-such-icon"', '/app/nuxt-app/components/x.vue')!
    expect(code.match(/__registerIcon\("lucide:[a-z0-9-]+"/g)).toEqual(['__registerIcon("lucide:eye"', '__registerIcon("lucide:trash-2"'])
    expect(code).toContain('from "/app/nuxt-app/icons/registry.ts"')
    expect(code).toMatch(/"lucide:eye", \{"width":24,"height":24,"body":"<[^"]*/)
    expect(code.endsWith('const c = "i-lucide-no-such-icon"')).toBe(true)
  })

  it('leaves modules outside the app, styles, the registry and modules without icons alone', () => {
    expect(transform('"i-lucide-eye"', '/app/node_modules/@nuxt/ui/Button.vue')).toBeNull()
    expect(transform('"i-lucide-eye"', '/app/nuxt-app/components/x.vue?vue&type=style&index=0&lang.css')).toBeNull()
    expect(transform('"i-lucide-eye"', '/app/nuxt-app/icons/registry.ts')).toBeNull()
    expect(transform('const nothing = 1', '/app/nuxt-app/utils/x.ts')).toBeNull()
  })
})
