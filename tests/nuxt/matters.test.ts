// The matter page's forms in a Nuxt environment, with Supabase replaced by fakes (the database's
// own checks are pgTAP's): what the forms send, the refusals they name (the error's component
// loads with the first error, hence waitFor), and the open invitations.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mockNuxtImport, mountSuspended } from '@nuxt/test-utils/runtime'
import { flushPromises } from '@vue/test-utils'
import { h } from 'vue'
import MatterForm from '~/components/matters/MatterForm.vue'
import MatterInvitations from '~/components/matters/MatterInvitations.vue'
import type { MatterOverview } from '~/composables/useMatter'
import { createFakeSupabase, type FakeSupabase } from './fake-supabase'
import WithLazyTexts from './WithLazyTexts.vue'

const { supabaseRef } = vi.hoisted(() => ({ supabaseRef: { current: undefined as unknown } }))
mockNuxtImport('useSupabase', () => () => async () => supabaseRef.current)

const mount = <P extends Record<string, unknown>>(component: object, props: P) =>
  mountSuspended(WithLazyTexts, { slots: { default: () => h(component as never, props) } })

const matter: MatterOverview = {
  id: 'c0000000-0000-4000-8000-000000000001', reference: '12/26', title: 'Bauvertrag Lindenstraße', status: 'open',
  description: null, client_id: 'b0000000-0000-4000-8000-000000000001', client_name: 'Müller Bau GmbH',
  updated_at: '2026-12-01T10:00:00Z', closed_at: null, my_role: 'staff', can_invite: true, can_edit: true,
  members: [], counts: { documents: 0, threads: 0, tickets: 0, appointments: 0 },
}

let supabase: FakeSupabase
beforeEach(async () => {
  supabase = createFakeSupabase()
  supabaseRef.current = supabase
  window.confirm = vi.fn(() => true)
  await useNuxtApp().$i18n.setLocale('de')
})

describe('the matter form', () => {
  it('closes a matter through update_matter, names a taken reference and keeps what was typed', async () => {
    supabase.rpcAnswers.set('update_matter', { data: null, error: { message: 'reference_taken', code: 'P0001' } })
    const wrapper = await mount(MatterForm, { matter })
    const [reference] = wrapper.findAll('input')
    await reference!.setValue(' 13/26 ')
    await wrapper.get('select').setValue('closed')
    expect(wrapper.text()).toContain('offene Einladungen in diese Akte zurückgezogen')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(supabase.rpc).toHaveBeenCalledWith('update_matter', { matter_id: matter.id, title: matter.title, reference: '13/26', description: null, status: 'closed' })
    await vi.waitFor(() => expect(wrapper.text()).toContain('Dieses Aktenzeichen ist schon vergeben.'))
    expect((reference!.element as HTMLInputElement).value).toBe(' 13/26 ')
    expect(wrapper.findComponent(MatterForm).emitted('saved')).toBeUndefined()

    supabase.rpcAnswers.set('update_matter', { data: { ...matter, reference: '13/26', status: 'closed' } })
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.findComponent(MatterForm).emitted('saved')).toEqual([['13/26']])
  })

  it('cannot create a matter before a client is chosen', async () => {
    const wrapper = await mount(MatterForm, {})
    expect(wrapper.get('button[type="submit"]').attributes('disabled')).toBeDefined()
  })
})

describe('the matter\'s invitations', () => {
  it('invite a guest through the invite function and name its refusal', async () => {
    supabase.functionsClient.invoke.mockResolvedValueOnce({ data: null, error: { message: 'matter_closed' } })
    const wrapper = await mount(MatterInvitations, { matterId: matter.id, canInvite: true })
    await wrapper.get('input[type="email"]').setValue(' gutachter@example.org ')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(supabase.functionsClient.invoke).toHaveBeenCalledWith('invite', { body: { kind: 'matter', matter_id: matter.id, email: 'gutachter@example.org', locale: 'de' } })
    await vi.waitFor(() => expect(wrapper.text()).toContain('Diese Akte ist geschlossen.'))

    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.text()).toContain('Einladung an gutachter@example.org verschickt.')
  })

  it('list the open ones and revoke one through revoke_invitation; without the right to invite there is no form', async () => {
    supabase.tableAnswers.set('invitations', { data: [{ id: 'i1', email: 'gast@example.org', expires_at: '2026-12-10T10:00:00Z' }] })
    const wrapper = await mount(MatterInvitations, { matterId: matter.id, canInvite: false })
    await flushPromises()
    expect(wrapper.find('form').exists()).toBe(false)
    expect(wrapper.text()).toContain('gast@example.org')
    supabase.tableAnswers.set('invitations', { data: [] })
    await wrapper.get('button[aria-label="Einladung an gast@example.org zurückziehen"]').trigger('click')
    await flushPromises()
    expect(supabase.rpc).toHaveBeenCalledWith('revoke_invitation', { invitation_id: 'i1' })
    expect(wrapper.text()).toContain('Keine offenen Einladungen.')
  })
})
