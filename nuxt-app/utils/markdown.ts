// A page's Markdown as HTML: no raw HTML (escaped), markdown-it's own refusal of javascript:,
// vbscript: and data: links, links open outside the portal. The page view passes the result
// through DOMPurify as a second guard. Imported only by PageBody, so only that route loads it.
import MarkdownIt from 'markdown-it'

const markdown = new MarkdownIt({ html: false, linkify: true, breaks: true })
markdown.renderer.rules.link_open = (tokens, index, options, _env, self) => {
  tokens[index]!.attrSet('target', '_blank')
  tokens[index]!.attrSet('rel', 'noopener noreferrer')
  return self.renderToken(tokens, index, options)
}

export const renderPageMarkdown = (text: string) => markdown.render(text)
