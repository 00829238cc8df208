// Caught mail on disk: one JSON file per message under .data/<instance>/mail/, so the inbox
// survives restarts. File names sort by arrival.
import { randomUUID } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface StoredMessage {
  id: string
  from: string
  to: string[]
  subject: string
  date: string
  text: string
  html: string
  links: string[]
}

const entityMap: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#34;': '"', '&#39;': '\'', '&#x27;': '\'' }
const decodeEntities = (text: string) => text.replace(/&(?:amp|lt|gt|quot|#34|#39|#x27);/g, entity => entityMap[entity]!)

/** The links a test follows: every href of the HTML part, then URLs in the text part. */
export function extractLinks(html: string, text: string): string[] {
  const links = [...html.matchAll(/href\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)].map(match => decodeEntities(match[1] ?? match[2] ?? ''))
  for (const match of text.matchAll(/https?:\/\/[^\s<>"')\]]+/g)) links.push(match[0])
  return [...new Set(links.filter(link => /^https?:\/\//.test(link)))]
}

export class MailStore {
  readonly dir: string
  constructor(dir: string) {
    this.dir = dir
    mkdirSync(dir, { recursive: true })
  }

  add(message: Omit<StoredMessage, 'id' | 'links'>): StoredMessage {
    const id = `${Date.now().toString().padStart(15, '0')}-${randomUUID().slice(0, 8)}`
    const stored: StoredMessage = { id, ...message, links: extractLinks(message.html, message.text) }
    writeFileSync(join(this.dir, `${id}.json`), JSON.stringify(stored))
    return stored
  }

  /** Newest first; `to` matches any recipient, case-insensitively. */
  list(to?: string | null): StoredMessage[] {
    const wanted = to?.toLowerCase()
    return readdirSync(this.dir)
      .filter(name => name.endsWith('.json'))
      .sort()
      .reverse()
      .map(name => JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as StoredMessage)
      .filter(message => !wanted || message.to.some(address => address.toLowerCase() === wanted))
  }

  get(id: string): StoredMessage | null {
    if (!/^[\w-]+$/.test(id)) return null
    try {
      return JSON.parse(readFileSync(join(this.dir, `${id}.json`), 'utf8')) as StoredMessage
    }
    catch {
      return null
    }
  }

  /** Deletes the messages to `to`, or all; returns how many. */
  delete(to?: string | null): number {
    const doomed = this.list(to)
    for (const message of doomed) rmSync(join(this.dir, `${message.id}.json`), { force: true })
    return doomed.length
  }
}
