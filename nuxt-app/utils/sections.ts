// The portal's sections: navigation entries, page titles and empty states. Later issues fill them.
import type { Persona } from './security'

export type SectionKey = 'overview' | 'messages' | 'chat' | 'tickets' | 'matters' | 'documents' | 'pages' | 'appointments' | 'administration'

export interface Section {
  key: SectionKey
  path: string
  icon: string
  /** Only these personas see the section; all when absent. */
  personas?: Persona[]
}

export const sections: Section[] = [
  { key: 'overview', path: '/', icon: 'i-lucide-layout-dashboard' },
  { key: 'messages', path: '/nachrichten', icon: 'i-lucide-mail' },
  { key: 'chat', path: '/chat', icon: 'i-lucide-messages-square', personas: ['admin', 'staff', 'client'] },
  { key: 'tickets', path: '/tickets', icon: 'i-lucide-life-buoy' },
  { key: 'matters', path: '/akten', icon: 'i-lucide-briefcase' },
  { key: 'documents', path: '/dokumente', icon: 'i-lucide-file-text' },
  { key: 'pages', path: '/seiten', icon: 'i-lucide-newspaper', personas: ['admin', 'staff', 'client'] },
  { key: 'appointments', path: '/termine', icon: 'i-lucide-calendar', personas: ['admin', 'staff', 'client'] },
  { key: 'administration', path: '/verwaltung', icon: 'i-lucide-settings', personas: ['admin', 'staff'] },
]

export function sectionsFor(persona: Persona | null): Section[] {
  return sections.filter(section => !section.personas || (persona !== null && section.personas.includes(persona)))
}

export function section(key: SectionKey): Section {
  return sections.find(entry => entry.key === key)!
}
