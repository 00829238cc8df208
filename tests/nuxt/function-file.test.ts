// Files from edge functions (GDPR ZIP, an appointment's .ics): sent with the caller's token and saved
// under the given name, or, when the function refuses, nothing saved and its code named.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { mockNuxtImport } from '@nuxt/test-utils/runtime'
import { createFakeSupabase, fakeSession } from './fake-supabase'

const { supabaseRef } = vi.hoisted(() => ({ supabaseRef: { current: undefined as unknown } }))
mockNuxtImport('useSupabase', () => () => async () => supabaseRef.current)

describe('useFunctionFile', () => {
  const clicked: HTMLAnchorElement[] = []
  beforeEach(() => {
    const fake = createFakeSupabase()
    fake.auth.getSession.mockResolvedValue({ data: { session: fakeSession() }, error: null })
    supabaseRef.current = fake
    URL.createObjectURL = vi.fn(() => 'blob:file')
    URL.revokeObjectURL = vi.fn()
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this)
    })
  })
  afterEach(() => {
    clicked.length = 0
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
  })

  it('posts with the caller\'s token and saves the answer under the given name', async () => {
    const fetchMock = vi.fn(async () => new Response('zip bytes', { status: 200 }))
    vi.stubGlobal('fetch', fetchMock)
    const { save, errorKey, busy } = useFunctionFile()
    expect(await save('gdpr-export', 'dsgvo-export-1.zip', { method: 'POST', json: { user_id: '1' } })).toBe(true)
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toMatch(/\/functions\/v1\/gdpr-export$/)
    expect(init.method).toBe('POST')
    expect((init.headers as Record<string, string>).Authorization).toBe(`Bearer ${fakeSession().access_token}`)
    expect(init.body).toBe('{"user_id":"1"}')
    expect(clicked.map(link => link.download)).toEqual(['dsgvo-export-1.zip'])
    expect(errorKey.value).toBeNull()
    expect(busy.value).toBe(false)
  })

  it('saves nothing when the function refuses and names its code', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Response.json({ code: 'appointment_not_found' }, { status: 404 })))
    const { save, errorKey } = useFunctionFile()
    expect(await save('calendar-feed/appointment/x.ics', 'termin.ics')).toBe(false)
    expect(clicked).toEqual([])
    expect(errorKey.value).toBe('errors.codes.appointment_not_found')
  })
})
