import { describe, expect, it } from 'vitest'
import { loadConfig } from '../config.ts'
import { resolveTarget } from './target.ts'

const config = loadConfig({ DEVSTACK_INSTANCE: 'test', DEVSTACK_PORT_OFFSET: '400' })
const href = (raw: string) => {
  const target = resolveTarget(raw, config)
  return 'url' in target ? target.url.href : target.error
}

describe('resolveTarget', () => {
  it('sends to loopback addresses as they are', () => {
    expect(href('http://127.0.0.1:9999/a?b=1')).toBe('http://127.0.0.1:9999/a?b=1')
    expect(href('http://127.8.9.10/x')).toBe('http://127.8.9.10/x')
    expect(href('http://localhost:8080/')).toBe('http://localhost:8080/')
    expect(href('http://[::1]:8080/')).toBe('http://[::1]:8080/')
  })

  it('maps the Supabase CLI\'s gateway names to the devstack API origin', () => {
    for (const origin of ['http://kong:8000', 'http://api.supabase.internal:8000', 'http://host.docker.internal:54321']) {
      expect(href(`${origin}/functions/v1/health?x=1`)).toBe(`${config.apiUrl}/functions/v1/health?x=1`)
    }
    expect(href('http://host.docker.internal:3000/hook')).toBe('http://127.0.0.1:3000/hook')
  })

  it('refuses every other host without sending anything', () => {
    for (const url of ['http://10.0.0.1/', 'https://example.com/', 'http://kong:8001/', 'http://192.168.1.1/', 'http://[::2]/']) {
      expect(href(url), url).toMatch(/is not a loopback address, so the request was not sent/)
    }
    expect(href('not a url')).toBe('URL using bad/illegal format or missing URL')
    expect(href('ftp://127.0.0.1/file')).toBe('Unsupported protocol')
  })
})
