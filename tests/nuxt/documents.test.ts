// The documents screens' parts in a Nuxt environment, with Supabase replaced by fakes (what the
// database allows is pgTAP's): refusals before any upload, the release with its note, what each
// persona is offered per row, and downloads saved only when their SHA-256 matches.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mockNuxtImport, mountSuspended } from '@nuxt/test-utils/runtime'
import { flushPromises } from '@vue/test-utils'
import { h } from 'vue'
import DocumentList from '~/components/documents/DocumentList.vue'
import DocumentReleaseBar from '~/components/documents/DocumentReleaseBar.vue'
import DocumentUpload from '~/components/documents/DocumentUpload.vue'
import type { DocumentRow } from '~/composables/useDocumentList'
import { createFakeSupabase, type FakeSupabase } from './fake-supabase'
import WithLazyTexts from './WithLazyTexts.vue'

const { supabaseRef } = vi.hoisted(() => ({ supabaseRef: { current: undefined as unknown } }))
mockNuxtImport('useSupabase', () => () => async () => supabaseRef.current)

const mount = <P extends Record<string, unknown>>(component: object, props: P) =>
  mountSuspended(WithLazyTexts, { slots: { default: () => h(component as never, props) } })

const matterId = 'c0000000-0000-4000-8000-000000000001'
const staffId = 'a0000000-0000-4000-8000-000000000001'
const clientId = 'a0000000-0000-4000-8000-000000000002'
const row = (changes: Partial<DocumentRow>): DocumentRow => ({
  id: 'd0000000-0000-4000-8000-000000000001', matter_id: matterId, matter_reference: '12/26', matter_title: 'Bauvertrag',
  name: 'Gutachten.pdf', folder: null, mime_type: 'application/pdf', size_bytes: 1024, version: 1, previous_version_id: null,
  uploaded_by: staffId, uploader_name: 'Dr. Anna Schmidt', uploaded_by_staff: true, created_at: '2026-12-01T10:00:00Z',
  uploaded_at: '2026-12-01T10:00:00Z', released_at: null, release_note: null, deleted_at: null, deleted_by: null,
  content_check: 'passed', content_check_reason: null, is_new: false, sha256: 'a'.repeat(64), ...changes,
})

let supabase: FakeSupabase
beforeEach(async () => {
  supabase = createFakeSupabase()
  supabaseRef.current = supabase
  await useNuxtApp().$i18n.setLocale('de')
})

describe('uploading into a matter', () => {
  it('refuses files over the matter\'s limit or of a type it does not take, by name and reason, before uploading anything', async () => {
    supabase.rpcAnswers.set('upload_limits', { data: [
      { purpose: 'attachment', max_bytes: 25, max_files: 10, mime_types: ['application/pdf'] },
      { purpose: 'matter', max_bytes: 100, max_files: null, mime_types: ['application/pdf'] },
    ] })
    const wrapper = await mount(DocumentUpload, { matterId, existing: [] })
    await flushPromises()
    expect(wrapper.text()).toContain('Je Datei höchstens 0,1 kB')
    const input = wrapper.get('[data-testid="document-files"]')
    Object.defineProperty(input.element, 'files', { configurable: true, value: [
      new File(['x'.repeat(101)], 'Bauplan.pdf', { type: 'application/pdf' }),
      new File(['MZ'], 'setup.exe', { type: 'application/x-msdownload' }),
    ] })
    await input.trigger('change')
    await flushPromises()
    expect(wrapper.text()).toContain('„Bauplan.pdf“ ist zu groß')
    expect(wrapper.text()).toContain('„setup.exe“ wurde nicht hochgeladen: Dieser Dateityp ist nicht erlaubt')
    expect(supabase.rpc).not.toHaveBeenCalledWith('create_document_upload', expect.anything())
  })

  it('offers a file named like a listed document as its next version and prepares it with previous_version_id', async () => {
    supabase.rpcAnswers.set('upload_limits', { data: [{ purpose: 'matter', max_bytes: 1000, max_files: null, mime_types: ['application/pdf'] }] })
    supabase.rpcAnswers.set('create_document_upload', { data: null, error: { message: 'version_conflict', code: 'P0001' } })
    window.confirm = vi.fn(() => true)
    const existing = row({ version: 2 })
    const wrapper = await mount(DocumentUpload, { matterId, existing: [existing] })
    await flushPromises()
    const input = wrapper.get('[data-testid="document-files"]')
    Object.defineProperty(input.element, 'files', { configurable: true, value: [new File(['%PDF-1.7'], 'Gutachten.pdf', { type: 'application/pdf' })] })
    await input.trigger('change')
    await vi.waitFor(() => expect(supabase.rpc).toHaveBeenCalledWith('create_document_upload', expect.objectContaining({
      matter_id: matterId, file_name: 'Gutachten.pdf', previous_version_id: existing.id,
    })))
    expect(window.confirm).toHaveBeenCalledWith(expect.stringContaining('neue Version (3)'))
    await vi.waitFor(() => expect(wrapper.text()).toContain('Zu dieser Version gibt es schon eine neuere.'))
  })
})

describe('the release', () => {
  it('releases the selection with its trimmed note and names the database\'s refusal', async () => {
    supabase.rpcAnswers.set('release_documents', { data: null, error: { message: 'document_not_checked', code: 'P0001' } })
    const wrapper = await mount(DocumentReleaseBar, { ids: ['d1', 'd2'] })
    expect(wrapper.text()).toContain('2 Dokumente ausgewählt')
    await wrapper.get('textarea').setValue('  Bitte bis Freitag prüfen. ')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(supabase.rpc).toHaveBeenCalledWith('release_documents', { document_ids: ['d1', 'd2'], note: 'Bitte bis Freitag prüfen.' })
    await vi.waitFor(() => expect(wrapper.text()).toContain('wird noch geprüft'))

    supabase.rpcAnswers.set('release_documents', { data: 2 })
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.findComponent(DocumentReleaseBar).emitted('released')).toEqual([[2]])
  })
})

describe('the document rows', () => {
  const rows = [row({}), row({ id: 'd2', name: 'Foto.png', mime_type: 'image/png', released_at: '2026-12-01T11:00:00Z', uploaded_by: clientId }),
    row({ id: 'd3', name: 'Alt.docx', mime_type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', deleted_at: '2026-12-01T12:00:00Z' })]

  it('give staff a selection for what is unreleased and a restore for what is deleted', async () => {
    const wrapper = await mount(DocumentList, { rows, staff: true, myId: staffId, showMatter: false, busyId: null })
    const boxes = wrapper.findAll('input[type="checkbox"]')
    expect(boxes.map(box => box.attributes('disabled') === undefined)).toEqual([true, false, false])
    expect(wrapper.text()).toContain('Nicht freigegeben')
    expect(wrapper.text()).toContain('Gelöscht')
    expect(wrapper.find('[aria-label="„Alt.docx“ wiederherstellen"]').exists()).toBe(true)
    expect(wrapper.find('[aria-label="„Foto.png“ ansehen"]').exists()).toBe(true)
    expect(wrapper.find('[aria-label="„Alt.docx“ ansehen"]').exists()).toBe(false)
  })

  it('give a client no selection or restore, and change or delete only its own uploads', async () => {
    const wrapper = await mount(DocumentList, { rows, staff: false, myId: clientId, showMatter: true, busyId: null })
    expect(wrapper.findAll('input[type="checkbox"]')).toHaveLength(0)
    expect(wrapper.find('[aria-label="„Alt.docx“ wiederherstellen"]').exists()).toBe(false)
    expect(wrapper.find('[aria-label="„Foto.png“ löschen"]').exists()).toBe(true)
    expect(wrapper.find('[aria-label="„Gutachten.pdf“ löschen"]').exists()).toBe(false)
    expect(wrapper.text()).toContain('12/26 · Bauvertrag')
  })
})

describe('a checked download', () => {
  function withFile(bytes: string) {
    supabase.rpcAnswers.set('document_download_url', { data: [{ bucket: 'documents', path: 'm/d1', file_name: 'Gutachten.pdf', mime_type: 'application/pdf' }] })
    Object.assign(supabase, { storage: async () => ({ from: () => ({ createSignedUrl: async () => ({ data: { signedUrl: 'http://storage.test/sign/m/d1?token=t' }, error: null }) }) }) })
    vi.stubGlobal('fetch', vi.fn(async () => new Response(bytes)))
    URL.createObjectURL = vi.fn(() => 'blob:file')
    URL.revokeObjectURL = vi.fn()
  }

  it('saves nothing and says so when the bytes do not match the recorded SHA-256', async () => {
    withFile('%PDF-1.7 changed on the way')
    const files = useDocumentDownload()
    await files.download('d1', '0'.repeat(64))
    expect(supabase.rpc).toHaveBeenCalledWith('document_download_url', { document_id: 'd1' })
    expect(files.errorKey.value).toBe('documents.errors.checksumMismatch')
    expect(URL.createObjectURL).not.toHaveBeenCalled()
  })

  it('saves the file under its name when they match', async () => {
    const bytes = '%PDF-1.7'
    withFile(bytes)
    const { sha256Hex } = await import('~/utils/files')
    const digest = await sha256Hex(new TextEncoder().encode(bytes).buffer as ArrayBuffer)
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {})
    const files = useDocumentDownload()
    await files.download('d1', digest)
    expect(files.errorKey.value).toBeNull()
    expect(URL.createObjectURL).toHaveBeenCalled()
    expect(click).toHaveBeenCalled()
  })
})
