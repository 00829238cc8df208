// The inbox on [local_smtp] port: an HTML list and message view for people, and the JSON API the
// tests read (GET /api/messages?to=, GET /api/messages/latest?to=, GET /api/messages/<id>,
// DELETE /api/messages?to=). Every value shown in HTML is escaped; a mail's own HTML is shown
// only inside a sandboxed iframe.
import { createServer, type Server } from 'node:http'
import { escapeHtml } from '../auth/template.ts'
import { sendJson } from '../shared/http.ts'
import type { MailStore, StoredMessage } from './store.ts'

function page(title: string, body: string): string {
  return `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.4 system-ui,sans-serif;margin:2rem;max-width:60rem}table{border-collapse:collapse;width:100%}
td,th{padding:.4rem;border-bottom:1px solid #ddd;text-align:left}iframe{width:100%;height:32rem;border:1px solid #ccc}
pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}.note{color:#666}</style></head>
<body>${body}</body></html>`
}

function listPage(messages: StoredMessage[]): string {
  const rows = messages.map(message => `<tr><td>${escapeHtml(new Date(message.date).toLocaleString('de-DE'))}</td>
<td>${escapeHtml(message.to.join(', '))}</td><td><a href="/messages/${encodeURIComponent(message.id)}">${escapeHtml(message.subject || '(ohne Betreff)')}</a></td></tr>`).join('')
  return page('Devstack-Postfach', `<h1>Devstack-Postfach</h1>
<p class="note">Alle Mails, die der Devstack verschickt, landen hier (nur Entwicklung und Tests). JSON: <code>/api/messages?to=…</code></p>
<table><thead><tr><th>Datum</th><th>An</th><th>Betreff</th></tr></thead><tbody>${rows || '<tr><td colspan="3">Keine Mails.</td></tr>'}</tbody></table>`)
}

function messagePage(message: StoredMessage): string {
  const links = message.links.map(link => `<li><a href="${escapeHtml(link)}" rel="noreferrer">${escapeHtml(link)}</a></li>`).join('')
  return page(message.subject, `<p><a href="/">← Postfach</a></p><h1>${escapeHtml(message.subject || '(ohne Betreff)')}</h1>
<p>Von: ${escapeHtml(message.from)}<br>An: ${escapeHtml(message.to.join(', '))}<br>Datum: ${escapeHtml(message.date)}</p>
${links ? `<h2>Links</h2><ul>${links}</ul>` : ''}
${message.html ? `<h2>HTML</h2><iframe sandbox="" srcdoc="${escapeHtml(message.html)}"></iframe>` : ''}
<h2>Text</h2><pre>${escapeHtml(message.text)}</pre>`)
}

function sendHtml(res: import('node:http').ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Content-Security-Policy': 'default-src \'none\'; style-src \'unsafe-inline\'; frame-src \'self\'',
  })
  res.end(html)
}

export function createInbox(store: MailStore): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://inbox.local')
    const to = url.searchParams.get('to')
    const path = url.pathname.replace(/\/$/, '') || '/'
    if (path === '/api/messages' && req.method === 'GET') return sendJson(res, 200, store.list(to))
    if (path === '/api/messages' && req.method === 'DELETE') return sendJson(res, 200, { deleted: store.delete(to) })
    if (path === '/api/messages/latest' && req.method === 'GET') {
      const [latest] = store.list(to)
      return latest ? sendJson(res, 200, latest) : sendJson(res, 404, { message: 'no message' })
    }
    const single = /^\/api\/messages\/([\w-]+)$/.exec(path)
    if (single && req.method === 'GET') {
      const message = store.get(single[1]!)
      return message ? sendJson(res, 200, message) : sendJson(res, 404, { message: 'no message' })
    }
    if (path === '/' && req.method === 'GET') return sendHtml(res, 200, listPage(store.list(to)))
    const view = /^\/messages\/([\w-]+)$/.exec(path)
    const message = view && req.method === 'GET' ? store.get(view[1]!) : null
    if (message) return sendHtml(res, 200, messagePage(message))
    return sendJson(res, 404, { message: 'not found' })
  })
}
