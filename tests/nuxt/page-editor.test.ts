// The page editor's logic in a Nuxt environment, with Supabase replaced by fakes (who may write
// pages is pgTAP's; the whole editor runs in the pages-editor journey): toolbar edits, file names
// and references, wall-clock times across DST, what a save sends and how a refusal keeps the form,
// and how the history reads.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mockNuxtImport, mountSuspended } from '@nuxt/test-utils/runtime'
import { flushPromises } from '@vue/test-utils'
import { h } from 'vue'
import AppointmentEditor from '~/components/appointments/AppointmentEditor.vue'
import PageAudiencePicker from '~/components/pages/PageAudiencePicker.vue'
import PageFiles from '~/components/pages/PageFiles.vue'
import { renderPageMarkdown } from '~/utils/markdown'
import {
  applyMarkdown, appointmentArguments, appointmentDraftOf, appointmentTimeZones, audienceArguments, instantOfZonedInput, pageFileMarkdown,
  pageFileName, revisionText, zonedInputValue, type PageRevision,
} from '~/utils/page-editor'
import type { Appointment, PageAudience } from '~/utils/pages'
import { createFakeSupabase, type FakeSupabase } from './fake-supabase'
import WithLazyTexts from './WithLazyTexts.vue'

const { supabaseRef } = vi.hoisted(() => ({ supabaseRef: { current: undefined as unknown } }))
mockNuxtImport('useSupabase', () => () => async () => supabaseRef.current)

const mount = <P extends Record<string, unknown>>(component: object, props: P) =>
  mountSuspended(WithLazyTexts, { slots: { default: () => h(component as never, props) } })

let supabase: FakeSupabase
beforeEach(async () => {
  supabase = createFakeSupabase()
  supabaseRef.current = supabase
  await useNuxtApp().$i18n.setLocale('de')
})

describe('the Markdown toolbar', () => {
  const at = (text: string, selectionStart: number, selectionEnd = selectionStart) => ({ text, selectionStart, selectionEnd })

  it('wraps a selection in bold or italic and keeps the word selected', () => {
    const bold = applyMarkdown(at('Nur mit Helm.', 8, 12), 'bold', 'Text')
    expect(bold).toEqual({ text: 'Nur mit **Helm**.', selectionStart: 10, selectionEnd: 14 })
    const italic = applyMarkdown(at('a ', 2), 'italic', 'Text')
    expect(italic.text).toBe('a _Text_')
    expect(italic.text.slice(italic.selectionStart, italic.selectionEnd)).toBe('Text')
  })

  it('prefixes the selected lines once, and an empty line gets a placeholder to type over', () => {
    expect(applyMarkdown(at('eins\nzwei\n- drei', 0, 15), 'list', 'Text').text).toBe('- eins\n- zwei\n- drei')
    const heading = applyMarkdown(at('Intro\n\n', 7), 'heading', 'Text')
    expect(heading.text).toBe('Intro\n\n## Text')
    expect(heading.text.slice(heading.selectionStart, heading.selectionEnd)).toBe('Text')
  })

  it('makes a link of the selection with its address selected', () => {
    const link = applyMarkdown(at('Siehe Merkblatt', 6, 15), 'link', 'Text')
    expect(link.text).toBe('Siehe [Merkblatt](https://)')
    expect(link.text.slice(link.selectionStart, link.selectionEnd)).toBe('https://')
  })
})

describe('files of a page', () => {
  it('are stored under plain names and embedded as datei: references', () => {
    expect(pageFileName('Lageplan Grundstück (neu).PNG')).toBe('Lageplan-Grundstuck-neu.png')
    expect(pageFileName('../../etc/passwd')).toBe('passwd')
    expect(pageFileName('.hidden')).toBe('hidden')
    expect(pageFileName('Straße')).toBe('Strasse')
    expect(pageFileMarkdown('lageplan.png', 'Lageplan [neu]', true)).toBe('![Lageplan neu](datei:lageplan.png)')
    expect(pageFileMarkdown('merkblatt.pdf', 'Merkblatt', false)).toBe('[Merkblatt](datei:merkblatt.pdf)')
  })

  it('render with the signed URL the caller got, and as text only without one; remote images never load', () => {
    const text = '![Plan](datei:plan.png) ![Fremd](https://tracker.example/pixel.gif) [Merkblatt](datei:merkblatt.pdf) ![Fehlt](datei:fehlt.png)'
    const first = renderPageMarkdown(text)
    expect(first.files.sort()).toEqual(['fehlt.png', 'merkblatt.pdf', 'plan.png'])
    expect(first.html).not.toMatch(/<img|datei:|tracker\.example/)
    const signed = renderPageMarkdown(text, { urls: new Map([
      ['plan.png', 'http://127.0.0.1/storage/v1/object/sign/page-files/p/plan.png?token=a'],
      ['merkblatt.pdf', 'http://127.0.0.1/storage/v1/object/sign/page-files/p/merkblatt.pdf?token=b'],
    ]) })
    expect(signed.html).toContain('<img src="http://127.0.0.1/storage/v1/object/sign/page-files/p/plan.png?token=a" alt="Plan" loading="lazy">')
    expect(signed.html).toContain('href="http://127.0.0.1/storage/v1/object/sign/page-files/p/merkblatt.pdf?token=b&amp;download=merkblatt.pdf"')
    expect(signed.html).toContain('<span class="page-image-missing">Fremd</span>')
    expect(signed.html).toContain('<span class="page-image-missing">Fehlt</span>')
    expect(signed.html).not.toContain('tracker.example')
  })
})

describe('appointment times', () => {
  it('are typed on the zone\'s clock and sent as the instant, in winter, summer and across the change', () => {
    expect(instantOfZonedInput('2027-01-15T09:00', 'Europe/Berlin')).toBe('2027-01-15T08:00:00.000Z')
    expect(instantOfZonedInput('2027-07-15T09:00', 'Europe/Berlin')).toBe('2027-07-15T07:00:00.000Z')
    // The nights the clocks change: 01:30 before the autumn change is still summer time, 03:30 after the spring change already is.
    expect(instantOfZonedInput('2027-10-31T01:30', 'Europe/Berlin')).toBe('2027-10-30T23:30:00.000Z')
    expect(instantOfZonedInput('2027-03-28T03:30', 'Europe/Berlin')).toBe('2027-03-28T01:30:00.000Z')
    expect(instantOfZonedInput('2027-01-15T09:00', 'Europe/Lisbon')).toBe('2027-01-15T09:00:00.000Z')
    expect(instantOfZonedInput('15.01.2027 09:00', 'Europe/Berlin')).toBeNull()
    expect(zonedInputValue('2027-07-15T07:00:00Z', 'Europe/Berlin')).toBe('2027-07-15T09:00')
  })

  it('follow another zone\'s own change: New York moves two weeks before Berlin', () => {
    // 14 March 2027, 03:00 in New York is already daylight time (UTC-4); the day before is UTC-5.
    expect(instantOfZonedInput('2027-03-13T09:00', 'America/New_York')).toBe('2027-03-13T14:00:00.000Z')
    expect(instantOfZonedInput('2027-03-14T09:00', 'America/New_York')).toBe('2027-03-14T13:00:00.000Z')
    // 02:30 does not exist that night in New York: the time moves on by the hour skipped.
    expect(instantOfZonedInput('2027-03-14T02:30', 'America/New_York')).toBe('2027-03-14T07:30:00.000Z')
    // The same instant back on the clock, both sides of the change.
    expect(zonedInputValue('2027-03-14T13:00:00Z', 'America/New_York')).toBe('2027-03-14T09:00')
    expect(zonedInputValue('2027-03-14T13:00:00Z', 'Europe/Berlin')).toBe('2027-03-14T14:00')
    // What a Berlin appointment at 14:00 on the day after Berlin's spring change is in UTC and in London.
    const instant = instantOfZonedInput('2027-03-29T14:00', 'Europe/Berlin')!
    expect(instant).toBe('2027-03-29T12:00:00.000Z')
    expect(zonedInputValue(instant, 'Europe/London')).toBe('2027-03-29T13:00')
  })

  it('offer the common zones first, every other known one after, and keep a saved zone that is in neither', () => {
    const zones = appointmentTimeZones('Europe/Berlin', ['Pacific/Auckland', 'Europe/Berlin', 'Africa/Cairo'])
    expect(zones[0]).toBe('Europe/Berlin')
    expect(zones.slice(-2)).toEqual(['Africa/Cairo', 'Pacific/Auckland'])
    expect(new Set(zones).size).toBe(zones.length)
    expect(appointmentTimeZones('Antarctica/Troll', [])[0]).toBe('Antarctica/Troll')
  })

  it('build save_appointment\'s arguments, or name what is missing', () => {
    const draft = { ...appointmentDraftOf(null, new Date('2027-01-14T12:00:00Z')), title: ' Begehung ', location: ' Tor 2 ' }
    expect(draft).toMatchObject({ start: '2027-01-15T10:00', end: '2027-01-15T11:00', timeZone: 'Europe/Berlin' })
    expect(appointmentArguments(draft, 'p')).toEqual({ args: {
      appointment_id: draft.id, title: 'Begehung', starts_at: '2027-01-15T09:00:00.000Z', ends_at: '2027-01-15T10:00:00.000Z',
      time_zone: 'Europe/Berlin', video_call: false, location: 'Tor 2', description: null, page_id: 'p',
    } })
    expect(appointmentArguments({ ...draft, videoCall: true }, 'p')).toMatchObject({ args: { video_call: true, location: null } })
    expect(appointmentArguments({ ...draft, title: ' ' }, 'p')).toEqual({ errorKey: 'errors.codes.title_required' })
    expect(appointmentArguments({ ...draft, end: '2027-01-15T09:00' }, 'p')).toEqual({ errorKey: 'errors.codes.appointment_ends_before_start' })
    // Without a page: for the chosen client, with its matter or none; no client, no save.
    expect(appointmentArguments(draft, null)).toEqual({ errorKey: 'errors.codes.appointment_client_required' })
    expect(appointmentArguments({ ...draft, clientId: 'c1', matterId: 'm1' }, null)).toMatchObject({ args: { client_id: 'c1', matter_id: 'm1' } })
    expect(appointmentArguments({ ...draft, clientId: 'c1' }, null)).toMatchObject({ args: { client_id: 'c1', matter_id: null } })
    expect('page_id' in (appointmentArguments({ ...draft, clientId: 'c1' }, null) as { args: object }).args).toBe(false)
  })
})

describe('the appointment form', () => {
  const appointment: Appointment = {
    id: 'a1000000-0000-4000-8000-000000000001', title: 'Begehung', description: null, starts_at: '2099-01-15T08:00:00Z',
    ends_at: '2099-01-15T09:00:00Z', time_zone: 'Europe/Berlin', location: 'Tor 2', video_call: false, responses: [],
  }

  it('saves an edited appointment under its own id and keeps the form when the database refuses', async () => {
    supabase.rpcAnswers.set('save_appointment', { data: null, error: { message: 'appointment_id_conflict', code: 'P0001' } })
    const wrapper = await mount(AppointmentEditor, { pageId: 'p1', appointments: [appointment] })
    await wrapper.get('button[aria-label="„Begehung“ bearbeiten"]').trigger('click')
    const title = wrapper.findAll('input').find(input => (input.element as HTMLInputElement).value === 'Begehung')!
    await title.setValue('Begehung mit Gutachter')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(supabase.rpc).toHaveBeenCalledWith('save_appointment', expect.objectContaining({
      appointment_id: appointment.id, page_id: 'p1', title: 'Begehung mit Gutachter', starts_at: '2099-01-15T08:00:00.000Z',
    }))
    await vi.waitFor(() => expect(wrapper.get('[role="alert"]').text()).toBe('Dieser Termin gehört zu einer anderen Seite.'))
    expect((title.element as HTMLInputElement).value).toBe('Begehung mit Gutachter')
  })

  it('removes an appointment and tells the page to read it again', async () => {
    const wrapper = await mount(AppointmentEditor, { pageId: 'p1', appointments: [appointment] })
    await wrapper.get('button[aria-label="„Begehung“ entfernen"]').trigger('click')
    await flushPromises()
    expect(supabase.rpc).toHaveBeenCalledWith('delete_appointment', { appointment_id: appointment.id })
    expect(wrapper.findComponent(AppointmentEditor).emitted('changed')).toHaveLength(1)
    expect(wrapper.text()).toContain('Termin entfernt.')
  })
})

describe('the appointment form without a page (/termine)', () => {
  it('asks for the client first, then saves for it in the chosen zone, with a matter of that client', async () => {
    supabase.tableAnswers.set('clients', { data: [{ id: 'c1', name: 'Müller Bau GmbH', reference_number: 'M-1' }] })
    supabase.rpcAnswers.set('list_matters', { data: [{ id: 'm1', reference: 'M-2026-001', title: 'Bauvertrag' }] })
    supabase.rpcAnswers.set('save_appointment', { data: { id: 'x' } })
    const wrapper = await mount(AppointmentEditor, { pageId: null, appointments: [] })
    expect(wrapper.text()).toContain('Keine kommenden Termine für Mandanten ohne Seite.')
    await wrapper.findAll('button').find(button => button.text() === 'Neuer Termin')!.trigger('click')
    const title = wrapper.findAll('input').find(input => input.attributes('maxlength') === '300')!
    await title.setValue('Besprechung')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(supabase.rpc).not.toHaveBeenCalledWith('save_appointment', expect.anything())
    expect(wrapper.get('[role="alert"]').text()).toBe('Bitte wählen Sie den Mandanten, für den der Termin ist.')

    const picker = wrapper.findAll('input').find(input => input.attributes('list'))!
    await picker.trigger('focus')
    await flushPromises()
    await picker.setValue('Müller Bau GmbH (M-1)')
    await flushPromises()
    await vi.waitFor(() => expect(supabase.rpc).toHaveBeenCalledWith('list_matters', { filter_client: 'c1', max_rows: 100 }))
    await flushPromises()
    const selects = wrapper.findAll('select')
    const zone = selects.find(select => select.find('option[value="America/New_York"]').exists())!
    expect((zone.element as HTMLSelectElement).value).toBe('Europe/Berlin')
    await zone.setValue('America/New_York')
    await selects.find(select => select.find('option[value="m1"]').exists())!.setValue('m1')
    const start = wrapper.findAll('input[type="datetime-local"]')
    await start[0]!.setValue('2099-07-01T09:00')
    await start[1]!.setValue('2099-07-01T10:00')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(supabase.rpc).toHaveBeenCalledWith('save_appointment', expect.objectContaining({
      client_id: 'c1', matter_id: 'm1', time_zone: 'America/New_York', starts_at: '2099-07-01T13:00:00.000Z', ends_at: '2099-07-01T14:00:00.000Z',
    }))
    expect(wrapper.findComponent(AppointmentEditor).emitted('changed')).toHaveLength(1)
  })
})

describe('the page\'s files', () => {
  function fakeBucket(removed: unknown[]) {
    const bucket = {
      list: vi.fn(async () => ({ data: [
        { id: 'o1', name: 'merkblatt.pdf', metadata: { size: 2048 } },
        { id: 'o2', name: 'plan.png', metadata: { size: 512 } },
      ], error: null })),
      remove: vi.fn(async (_paths: string[]) => ({ data: removed, error: null })),
    }
    Object.assign(supabase, { storage: async () => ({ from: (name: string) => (name === 'page-files' ? bucket : null) }) })
    return bucket
  }

  it('are listed, and deleting one asks first and says when the text still names it', async () => {
    const bucket = fakeBucket([{ name: 'p1/plan.png' }])
    const wrapper = await mount(PageFiles, { pageId: 'p1', body: 'Hier: ![Plan](datei:plan.png)' })
    await flushPromises()
    expect(bucket.list).toHaveBeenCalledWith('p1', expect.objectContaining({ limit: 1000 }))
    expect(wrapper.findAll('[data-page-file]').map(row => row.attributes('data-page-file'))).toEqual(['merkblatt.pdf', 'plan.png'])
    await wrapper.get('button[aria-label="plan.png löschen"]').trigger('click')
    expect(bucket.remove).not.toHaveBeenCalled()
    expect(wrapper.get('[role="alertdialog"]').text()).toContain('plan.png endgültig löschen?')
    expect(wrapper.get('[data-still-used]').text()).toContain('datei:plan.png')
    await wrapper.findAll('button').find(button => button.text() === 'Endgültig löschen')!.trigger('click')
    await flushPromises()
    expect(bucket.remove).toHaveBeenCalledWith(['p1/plan.png'])
    expect(wrapper.findAll('[data-page-file]').map(row => row.attributes('data-page-file'))).toEqual(['merkblatt.pdf'])
    expect(wrapper.get('[role="status"]').text()).toBe('plan.png ist gelöscht.')
  })

  it('say so when Storage deleted nothing (RLS: not staff), and keep the file listed', async () => {
    fakeBucket([])
    const wrapper = await mount(PageFiles, { pageId: 'p1', body: '' })
    await flushPromises()
    await wrapper.get('button[aria-label="merkblatt.pdf löschen"]').trigger('click')
    expect(wrapper.find('[data-still-used]').exists()).toBe(false)
    await wrapper.findAll('button').find(button => button.text() === 'Endgültig löschen')!.trigger('click')
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toBe('merkblatt.pdf konnte nicht gelöscht werden.')
    expect(wrapper.findAll('[data-page-file]')).toHaveLength(2)
  })
})

describe('audiences', () => {
  it('are found through search_page_audiences, added once and sent as clients and groups', async () => {
    supabase.rpcAnswers.set('search_page_audiences', { data: [
      { kind: 'group', id: 'g1', name: 'Bau und Logistik', detail: '2' },
      { kind: 'client', id: 'c1', name: 'Müller Bau GmbH', detail: 'M-2026-001' },
    ] })
    const chosen: PageAudience[] = []
    const wrapper = await mount(PageAudiencePicker, { 'modelValue': chosen, 'onUpdate:modelValue': (value: PageAudience[]) => chosen.splice(0, chosen.length, ...value) })
    await wrapper.get('input[type="search"]').setValue(' Bau ')
    await wrapper.findAll('button').find(button => button.text() === 'Suchen')!.trigger('click')
    await flushPromises()
    expect(supabase.rpc).toHaveBeenCalledWith('search_page_audiences', { query: 'Bau', max_count: 10 })
    expect(wrapper.text()).toContain('Gruppe, 2 Mandanten')
    await wrapper.get('button[aria-label="Bau und Logistik hinzufügen"]').trigger('click')
    expect(chosen).toEqual([{ kind: 'group', id: 'g1', name: 'Bau und Logistik' }])
    expect(audienceArguments([...chosen, { kind: 'client', id: 'c1', name: 'Müller Bau GmbH' }])).toEqual({ client_ids: ['c1'], group_ids: ['g1'] })
  })
})

describe('the history', () => {
  const revision = (over: Partial<PageRevision>): PageRevision => ({ id: 1, changed_at: '2026-12-04T10:00:00Z', action: 'created', details: {}, changed_by: null, ...over })
  it('says which fields an edit changed and names the audience', () => {
    expect(revisionText(revision({ action: 'edited', details: { fields: ['title', 'body'] } })).key).toBe('pageEditor.history.edited.both')
    expect(revisionText(revision({ action: 'edited', details: { fields: ['title'] } })).key).toBe('pageEditor.history.edited.title')
    expect(revisionText(revision({ action: 'audience_added', details: { name: 'Bau und Logistik' } })))
      .toEqual({ key: 'pageEditor.history.audience_added', params: { name: 'Bau und Logistik' } })
  })
})
