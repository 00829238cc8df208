import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mockNuxtImport, mountSuspended } from '@nuxt/test-utils/runtime'
import { flushPromises } from '@vue/test-utils'
import AdminInviteForm from '~/components/admin/AdminInviteForm.vue'
import AdminPeopleList from '~/components/admin/AdminPeopleList.vue'
import AppNavigation from '~/components/layout/AppNavigation.vue'
import AuthNewPasswordForm from '~/components/auth/AuthNewPasswordForm.vue'
import MfaGraceNotice from '~/components/mfa/MfaGraceNotice.vue'
import MfaStepUp from '~/components/mfa/MfaStepUp.vue'
import ProfileSessions from '~/components/profile/ProfileSessions.vue'
import type { Persona, SecurityState } from '~/utils/security'
import { createFakeSupabase, fakeSession, type FakeSupabase } from './fake-supabase'
import WithLazyTexts from './WithLazyTexts.vue'

const { supabaseRef } = vi.hoisted(() => ({ supabaseRef: { current: undefined as unknown } }))
mockNuxtImport('useSupabase', () => () => async () => supabaseRef.current)

const day = 86_400_000
function signInAs(persona: Persona, security: Partial<SecurityState> = {}) {
  const store = useSessionStore()
  store.session = fakeSession({ email: 'j.becker@mustermann-gmbh.de', user_metadata: { display_name: 'Jonas Becker' } })
  store.security = {
    persona,
    displayName: 'Jonas Becker',
    locale: 'de',
    totpEnrolled: false,
    emailFactorEnrolled: false,
    graceDeadline: new Date(Date.now() + 2.5 * day),
    stepUpRequired: false,
    enrolmentRequired: false,
    accessAllowed: true,
    ...security,
  }
}

describe('components', () => {
  let supabase: FakeSupabase
  beforeEach(async () => {
    supabase = createFakeSupabase()
    supabaseRef.current = supabase
    await useNuxtApp().$i18n.setLocale('de')
  })

  it('shows staff the administration, clients the chat and their appointments, and guests none of these', async () => {
    const labels = async (persona: Persona) => {
      signInAs(persona)
      const wrapper = await mountSuspended(AppNavigation)
      return wrapper.findAll('a').map(link => link.text())
    }
    expect(await labels('staff')).toEqual(['Übersicht', 'Nachrichten', 'Chat', 'Tickets', 'Akten', 'Dokumente', 'Seiten', 'Termine', 'Verwaltung'])
    expect(await labels('client')).not.toContain('Verwaltung')
    expect(await labels('client')).toContain('Chat')
    expect(await labels('client')).toContain('Termine')
    expect(await labels('guest')).toEqual(['Übersicht', 'Nachrichten', 'Tickets', 'Akten', 'Dokumente'])
  })

  it('tells a user without a factor how many days are left, and nothing once one is set up', async () => {
    signInAs('client')
    const notice = await mountSuspended(MfaGraceNotice)
    expect(notice.text()).toContain('Noch 3 Tage, um einen zweiten Faktor einzurichten')
    signInAs('client', { totpEnrolled: true })
    const none = await mountSuspended(MfaGraceNotice)
    expect(none.text()).toBe('')
  })

  it('refuses a password with the user’s name or a guessable one, and accepts a long passphrase', async () => {
    signInAs('client')
    const form = await mountSuspended(AuthNewPasswordForm, { props: { submitLabel: 'Speichern' } })
    const [password, repeated] = form.findAll('input')
    const submit = form.get('button[type="submit"]')

    await password!.setValue('JonasBecker2026!')
    await vi.waitFor(() => expect(form.text()).toContain('enthält Ihren Namen'), { timeout: 15_000 })
    expect(submit.attributes('disabled')).toBeDefined()

    await password!.setValue('Sonnenschein123')
    await vi.waitFor(() => expect(form.text()).toContain('zu leicht zu erraten'), { timeout: 15_000 })

    await password!.setValue('Regenschirm tanzt leise über Kopfsteinpflaster')
    await repeated!.setValue('Regenschirm tanzt leise über Kopfsteinpflaster')
    await vi.waitFor(() => expect(submit.attributes('disabled')).toBeUndefined(), { timeout: 15_000 })
    await form.get('form').trigger('submit')
    expect(form.emitted('submit')?.[0]?.[0]).toBe('Regenschirm tanzt leise über Kopfsteinpflaster')
  })

  it('offers both factors for the step-up and sends the e-mail code for this session', async () => {
    signInAs('client', { totpEnrolled: true, emailFactorEnrolled: true, stepUpRequired: true })
    supabase.rpcAnswers.set('request_email_code', { data: { purpose: 'verify', expires_at: '2026-11-27T12:10:00Z' } })
    supabase.rpcAnswers.set('verify_email_code', { data: { verified: false, reason: 'email_code_mismatch', attempts_left: 4 } })
    const stepUp = await mountSuspended(MfaStepUp)
    const methods = stepUp.findAll('input[type="radio"], button[role="radio"]')
    expect(methods).toHaveLength(2)
    await methods[1]!.trigger('click')
    await flushPromises()
    await stepUp.findAll('button').find(button => button.text() === 'Code per E-Mail senden')!.trigger('click')
    await flushPromises()
    expect(supabase.rpc).toHaveBeenCalledWith('request_email_code')
    expect(stepUp.text()).toContain('Erneut senden ist in')

    // A wrong code is an answer with the attempts left, not a confirmation.
    await stepUp.get('input[autocomplete="one-time-code"]').setValue('654321')
    await stepUp.get('form').trigger('submit')
    await flushPromises()
    expect(stepUp.text()).toContain('Verbleibende Versuche: 4')
    expect(stepUp.emitted('verified')).toBeUndefined()

    supabase.rpcAnswers.set('verify_email_code', { data: { verified: true, enrolled: true } })
    await stepUp.get('input[autocomplete="one-time-code"]').setValue(' 123456 ')
    await stepUp.get('form').trigger('submit')
    await flushPromises()
    expect(supabase.rpc).toHaveBeenCalledWith('verify_email_code', { code: '123456' })
    expect(stepUp.emitted('verified')).toHaveLength(1)
  })

  it('shows the app code check when the code is wrong, without signing the user in', async () => {
    signInAs('client', { totpEnrolled: true, stepUpRequired: true })
    supabase.auth.mfa.listFactors.mockResolvedValueOnce({ data: { all: [], totp: [{ id: 'factor-1' }] }, error: null } as never)
    supabase.auth.mfa.challengeAndVerify.mockResolvedValueOnce({ data: null, error: { name: 'AuthApiError', code: 'mfa_verification_failed', status: 422 } } as never)
    const stepUp = await mountSuspended(MfaStepUp)
    await stepUp.get('input[autocomplete="one-time-code"]').setValue('000000')
    await stepUp.get('form').trigger('submit')
    await flushPromises()
    expect(supabase.auth.mfa.challengeAndVerify).toHaveBeenCalledWith({ factorId: 'factor-1', code: '000000' })
    expect(stepUp.text()).toContain('Der Code ist nicht korrekt')
    expect(stepUp.emitted('verified')).toBeUndefined()
  })

  it('invites a client user through the invite function, the client found by search, and says why the server refused one', async () => {
    signInAs('staff')
    const client = { id: '7d4c2a4e-0000-4000-8000-000000000001', name: 'Müller, Schmidt & Partner', reference_number: 'M-2026-001' }
    supabase.tableAnswers.set('clients', { data: [client] })
    await mountSuspended(WithLazyTexts) // the Verwaltung's texts, which its pages bring
    const form = await mountSuspended(AdminInviteForm, { props: { canInviteStaff: false } })
    expect(form.text()).not.toContain('Kanzlei (Mitarbeitende)')
    const submit = form.get('button[type="submit"]')
    expect(submit.attributes('disabled')).toBeDefined()

    // No list of every client: the picker asks the database for what was typed, quoted for PostgREST.
    const picker = form.get('input[type="search"]')
    await picker.setValue('Müller, Sch')
    await vi.waitFor(() => expect(form.findAll('datalist option').map(option => option.attributes('value'))).toEqual(['Müller, Schmidt & Partner (M-2026-001)']))
    expect(supabase.from).toHaveBeenCalledWith('clients')
    await picker.setValue('Müller, Schmidt & Partner (M-2026-001)')
    await form.get('input[type="email"]').setValue(' neu@mustermann-gmbh.de ')
    await flushPromises()
    expect(submit.attributes('disabled')).toBeUndefined()
    await form.get('form').trigger('submit')
    await flushPromises()
    expect(supabase.functionsClient.invoke).toHaveBeenCalledWith('invite', { body: expect.objectContaining({ kind: 'client', client_id: client.id, email: 'neu@mustermann-gmbh.de', locale: 'de' }) })
    expect(form.text()).toContain('Die Einladung an neu@mustermann-gmbh.de ist unterwegs')

    // supabase-js leaves a function's error answer in the Response.
    const refusal = new Response(JSON.stringify({ code: 'already_member', message: 'already member' }), { status: 400 })
    supabase.functionsClient.invoke.mockResolvedValueOnce({ data: null, error: Object.assign(new Error('non-2xx'), { context: refusal }) })
    await form.get('input[type="email"]').setValue('neu@mustermann-gmbh.de')
    await form.get('form').trigger('submit')
    await flushPromises()
    expect(form.text()).toContain('Diese Person hat bereits Zugang.')
  })

  it('on a client\'s own page the invitation has that client chosen', async () => {
    signInAs('staff')
    await mountSuspended(WithLazyTexts)
    const form = await mountSuspended(AdminInviteForm, { props: { canInviteStaff: false, clientId: 'c-1' } })
    expect(form.find('input[type="search"]').exists()).toBe(false)
    await form.get('input[type="email"]').setValue('neu@mustermann-gmbh.de')
    await form.get('form').trigger('submit')
    await flushPromises()
    expect(supabase.functionsClient.invoke).toHaveBeenCalledWith('invite', { body: expect.objectContaining({ client_id: 'c-1' }) })
  })

  it('offers the factor reset only beside the listed people the database names, and reloads after one', async () => {
    signInAs('staff')
    const person = (user_id: string, display_name: string, persona: string) => ({
      user_id, display_name, persona, email: `${user_id}@example.com`, is_admin: false, factor_state: 'totp', grace_period_ends_at: null,
      last_sign_in_at: null, deactivated_at: null, client_names: persona === 'client' ? ['Mustermann GmbH'] : [], can_manage: true,
    })
    supabase.rpcAnswers.set('list_people', { data: [person('u-3', 'Dr. Anna Admin', 'admin'), person('u-1', 'Erika Mandantin', 'client'), person('u-2', 'Otto Ohnefaktor', 'client')] })
    supabase.rpcAnswers.set('can_reset_factors', { data: ['u-1'] })
    await mountSuspended(WithLazyTexts)
    const list = await mountSuspended(AdminPeopleList)
    await flushPromises()
    // The database is asked about the people on screen, not about everyone.
    expect(supabase.rpc).toHaveBeenCalledWith('can_reset_factors', { user_ids: ['u-3', 'u-1', 'u-2'] })
    expect(list.text()).toContain('Mustermann GmbH')
    const resetButtons = list.findAll('button').filter(button => button.text() === 'Zweiten Faktor zurücksetzen')
    expect(resetButtons.map(button => button.attributes('aria-label'))).toEqual(['Zweiten Faktor von Erika Mandantin zurücksetzen'])

    const listCalls = () => supabase.rpc.mock.calls.filter(([name]) => name === 'list_people').length
    const before = listCalls()
    await resetButtons[0]!.trigger('click')
    // The confirmation's code loads when it opens.
    await vi.waitFor(() => expect(list.findAll('button').some(button => button.text() === 'Zurücksetzen')).toBe(true))
    await list.findAll('button').find(button => button.text() === 'Zurücksetzen')!.trigger('click')
    await flushPromises()
    expect(supabase.functionsClient.invoke).toHaveBeenCalledWith('reset-factors', { body: { user_id: 'u-1' } })
    expect(listCalls()).toBeGreaterThan(before)
  })

  it('speaks the profile\'s language once signed in, and switches when the profile is saved', async () => {
    const { $i18n } = useNuxtApp()
    expect($i18n.locale.value).toBe('de')
    signInAs('client', { locale: 'en' })
    await flushPromises()
    expect($i18n.locale.value).toBe('en')
    const navigation = await mountSuspended(AppNavigation)
    expect(navigation.findAll('a').map(link => link.text())).toContain('Overview')

    useSessionStore().applyProfile({ display_name: 'Jonas Becker', locale: 'de' })
    await flushPromises()
    expect($i18n.locale.value).toBe('de')
    expect(navigation.findAll('a').map(link => link.text())).toContain('Übersicht')
  })

  it('names each signed-in device by browser and system, with the raw user agent on demand', async () => {
    signInAs('client')
    const chrome = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36'
    const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1'
    const session = (id: string, userAgent: string | null, current = false) => ({ id, created_at: '2026-11-27T09:00:00Z', refreshed_at: null, user_agent: userAgent, ip: '192.0.2.1', current })
    supabase.rpcAnswers.set('my_sessions', { data: [session('s-1', chrome, true), session('s-2', iphone), session('s-3', 'curl/8.5.0'), session('s-4', null)] })
    const list = await mountSuspended(ProfileSessions)
    // The parser arrives with its own chunk after the list.
    await vi.waitFor(() => expect(list.findAll('li').map(item => item.find('span').text()))
      .toEqual(['Chrome 156 auf Linux dieses Gerät', 'Safari 17 auf iOS', 'Unbekanntes Gerät', 'Unbekanntes Gerät']))
    const raw = list.findAll('details')
    expect(raw.map(details => details.find('summary').text())).toEqual(Array(3).fill('Technische Kennung des Browsers'))
    expect(raw.map(details => details.find('code').text())).toEqual([chrome, iphone, 'curl/8.5.0'])
  })
})
