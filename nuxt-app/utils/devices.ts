// A session's user agent as a person reads it: the browser with its major version and the
// operating system. The sessions list only needs the browsers and systems people sign in with,
// so a few patterns do (a general parser such as bowser cost 7.4 KB gzip on /profil); anything
// else reads "unknown device", with the raw user agent on demand. Order matters: Edge, Opera
// and Samsung Internet also say "Chrome", Chrome also says "Safari", iOS also says "Mac OS X".

export interface Device { browser: string | null, system: string | null }

const browsers: Array<[name: string, pattern: RegExp]> = [
  ['Microsoft Edge', /\b(?:Edg|EdgA|EdgiOS)\/(\d+)/],
  ['Opera', /\b(?:OPR|OPT)\/(\d+)/],
  ['Samsung Internet', /\bSamsungBrowser\/(\d+)/],
  ['Firefox', /\b(?:Firefox|FxiOS)\/(\d+)/],
  ['Chrome', /\b(?:HeadlessChrome|Chrome|CriOS)\/(\d+)/],
  ['Safari', /\bVersion\/(\d+)[\d.]*(?: Mobile\/\S+)? Safari\//],
]

const systems: Array<[name: string, pattern: RegExp]> = [
  ['iOS', /\b(?:iPhone|iPad|iPod)\b/],
  ['Android', /\bAndroid\b/],
  ['Windows', /\bWindows\b/],
  ['Chrome OS', /\bCrOS\b/],
  ['macOS', /\bMac OS X\b/],
  ['Linux', /\bLinux\b/],
]

export function describeDevice(userAgent: string): Device {
  const browser = browsers.map(([name, pattern]) => [name, pattern.exec(userAgent)?.[1]] as const).find(([, major]) => major)
  return {
    browser: browser ? `${browser[0]} ${browser[1]}` : null,
    system: systems.find(([, pattern]) => pattern.test(userAgent))?.[0] ?? null,
  }
}
