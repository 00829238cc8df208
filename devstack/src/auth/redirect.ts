// Which redirect targets Auth accepts (GoTrue utilities.IsRedirectURLValid): anything on the
// site_url's host, or a match of an `additional_redirect_urls` glob (gobwas/glob with `.` and `/`
// as separators: `*` stays within one segment, `**` crosses them). Everything else falls back to
// site_url, so a link can never lead off to a foreign site.
function globToRegExp(pattern: string): RegExp {
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!
    if (char === '*' && pattern[i + 1] === '*') {
      source += '.*'
      i++
    }
    else if (char === '*') source += '[^./]*'
    else if (char === '?') source += '[^./]'
    else source += char.replace(/[\\^$+.()|{}[\]]/g, '\\$&')
  }
  return new RegExp(`^${source}$`)
}

export function isRedirectAllowed(target: string, siteUrl: string, allowList: string[]): boolean {
  let url: URL
  try {
    url = new URL(target)
  }
  catch {
    return false
  }
  if (url.protocol === 'javascript:' || url.protocol === 'data:') return false
  if (url.hostname === new URL(siteUrl).hostname) return true
  const withoutFragment = target.split('#')[0]!
  return allowList.some(pattern => globToRegExp(pattern).test(withoutFragment))
}

/** The allowed `redirect_to`, or site_url. */
export function redirectTarget(requested: string | null | undefined, siteUrl: string, allowList: string[]): string {
  return requested && isRedirectAllowed(requested, siteUrl, allowList) ? requested : siteUrl
}
