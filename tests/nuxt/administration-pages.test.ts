// Every Verwaltung page brings its own texts: opened directly (a bookmark, a reload), not after
// /verwaltung, it shows words, not bare keys. In a file of its own, so no other test has loaded
// the texts before (they stay registered for the whole file).
import { describe, expect, it, vi } from 'vitest'
import { mockNuxtImport, mountSuspended } from '@nuxt/test-utils/runtime'
import { flushPromises } from '@vue/test-utils'
import Accounts from '~/pages/verwaltung/konten.vue'
import AuditLog from '~/pages/verwaltung/protokoll.vue'
import Clients from '~/pages/verwaltung/mandanten/index.vue'
import Groups from '~/pages/verwaltung/gruppen.vue'
import Staff from '~/pages/verwaltung/personal.vue'
import { createFakeSupabase } from './fake-supabase'

const { supabaseRef } = vi.hoisted(() => ({ supabaseRef: { current: undefined as unknown } }))
mockNuxtImport('useSupabase', () => () => async () => supabaseRef.current)

describe('Verwaltung pages opened directly', () => {
  it.each([
    ['Konten', Accounts, 'Name oder E-Mail'],
    ['Protokoll', AuditLog, 'Name oder E-Mail-Adresse eingeben'],
    ['Mandanten', Clients, 'Archivierte zeigen'],
    ['Gruppen', Groups, 'Gruppe anlegen'],
    ['Personal', Staff, 'Name oder E-Mail'],
  ])('%s shows its texts', async (_name, page, expected) => {
    supabaseRef.current = createFakeSupabase()
    await useNuxtApp().$i18n.setLocale('de')
    const wrapper = await mountSuspended(page)
    await flushPromises()
    expect(wrapper.html()).toContain(expected)
    expect(wrapper.text()).not.toMatch(/\badmin\.[a-z]+\./)
  })
})
