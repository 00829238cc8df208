// A page's Markdown as HTML: no raw HTML (escaped), markdown-it's own refusal of javascript:,
// vbscript: and data: links, links open outside the portal. The page view passes the result
// through DOMPurify as a second guard. Imported only by PageBody, so only that route loads it.
// Files of the page (`![Plan](datei:plan.png)`, `[Merkblatt](datei:merkblatt.pdf)`) become the
// short-lived signed URLs the caller got for them (Storage RLS: the page's readers); a file without
// one, and every image from elsewhere, is shown as its text only, so no remote image reaches a client.
import MarkdownIt from 'markdown-it'
import { pageFileScheme } from '~/utils/page-editor'

export interface PageFileLinks {
  /** Signed URLs by file name (`datei:` reference without the prefix). */
  urls: Map<string, string>
}

interface RenderEnv extends Partial<PageFileLinks> { files?: Set<string> }

const markdown = new MarkdownIt({ html: false, linkify: true, breaks: true })

const fileNameOf = (reference: string | null) => {
  if (!reference?.startsWith(pageFileScheme)) return null
  try {
    return decodeURIComponent(reference.slice(pageFileScheme.length))
  }
  catch {
    return null
  }
}

markdown.renderer.rules.link_open = (tokens, index, options, env: RenderEnv, self) => {
  const token = tokens[index]!
  const file = fileNameOf(token.attrGet('href'))
  if (file !== null) {
    env.files?.add(file)
    const url = env.urls?.get(file)
    // Until signed (or refused): a link to nowhere, never the raw reference.
    if (url) token.attrSet('href', `${url}&download=${encodeURIComponent(file)}`)
    else token.attrs = (token.attrs ?? []).filter(([name]) => name !== 'href')
    token.attrSet('data-page-file', file)
    return self.renderToken(tokens, index, options)
  }
  token.attrSet('target', '_blank')
  token.attrSet('rel', 'noopener noreferrer')
  return self.renderToken(tokens, index, options)
}

markdown.renderer.rules.image = (tokens, index, options, env: RenderEnv, self) => {
  const token = tokens[index]!
  const alt = self.renderInlineAsText(token.children ?? [], options, env)
  const file = fileNameOf(token.attrGet('src'))
  if (file !== null) env.files?.add(file)
  const url = file === null ? undefined : env.urls?.get(file)
  if (!url) return `<span class="page-image-missing">${markdown.utils.escapeHtml(alt)}</span>`
  return `<img src="${markdown.utils.escapeHtml(url)}" alt="${markdown.utils.escapeHtml(alt)}" loading="lazy">`
}

/** The page's HTML with the files it embeds signed as given, and the names of every file it embeds. */
export function renderPageMarkdown(text: string, links: PageFileLinks = { urls: new Map() }): { html: string, files: string[] } {
  const env: RenderEnv = { urls: links.urls, files: new Set() }
  const html = markdown.render(text, env)
  return { html, files: [...env.files!] }
}
