// The part of Go's html/template that GoTrue's mail templates use: `{{ .Field }}` and
// `{{ .Data.key }}`, values HTML-escaped. Anything else is refused when the template is rendered,
// so a template that needs more fails loudly instead of mailing raw braces.
export type TemplateData = Record<string, string | Record<string, unknown>>

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\'': '&#39;' }
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, char => escapes[char]!)

export function renderTemplate(template: string, data: TemplateData, escape = true): string {
  return template.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (_whole, action: string) => {
    const path = /^\.(\w+(?:\.\w+)*)$/.exec(action)
    if (!path) throw new Error(`unsupported template action {{ ${action} }} (the devstack supports {{ .Field }} and {{ .Data.key }})`)
    let value: unknown = data
    for (const key of path[1]!.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined
    const text = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value)
    return escape ? escapeHtml(text) : text
  })
}
