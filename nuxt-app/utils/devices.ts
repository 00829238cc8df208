// A session's user agent as a person reads it: the browser with its major version and the
// operating system (bowser). Imported only by the sessions list, with import(), so the parser
// (≈ 7 KB gzip) loads where sessions are shown and nowhere else.
import { parse } from 'bowser'

export interface Device { browser: string | null, system: string | null }

export function describeDevice(userAgent: string): Device {
  const { browser, os } = parse(userAgent)
  const major = browser.version?.split('.')[0]
  return {
    browser: browser.name ? [browser.name, major].filter(Boolean).join(' ') : null,
    system: os.name || null,
  }
}
