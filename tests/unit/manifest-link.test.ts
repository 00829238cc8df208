// `nuxt dev` serves no web app manifest (the PWA module builds it with the production build), so
// its HTML must not link one: browsers fetched the SPA's HTML instead and logged "Manifest: Line 1,
// column 1, Syntax error" on every page. The production build (`nuxt generate`, `make preview`)
// links it; tests/e2e/pwa-shell.test.ts proves it installable there.
import { loadNuxtConfig } from '@nuxt/kit'
import { expect, it } from 'vitest'
import { projectRoot } from '../../devstack/src/config.ts'

const headLinks = async (envName: 'development' | 'production') =>
  (await loadNuxtConfig({ cwd: projectRoot, envName })).app.head.link ?? []

it('links the manifest in the production build only', async () => {
  expect((await headLinks('development')).map(link => link.rel)).not.toContain('manifest')
  expect(await headLinks('production')).toContainEqual({ rel: 'manifest', href: '/manifest.webmanifest' })
}, 30_000)
