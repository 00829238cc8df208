// Request headers PostgREST v14 interprets: `Prefer` (Preferences.hs: a comma list over one or
// several headers, first value of each kind wins, unknown ones ignored unless handling=strict)
// and `Accept` (which body format to produce).
import { RestError } from './errors.ts'

export interface Preferences {
  resolution?: 'merge-duplicates' | 'ignore-duplicates'
  return?: 'representation' | 'minimal' | 'headers-only'
  count?: 'exact' | 'planned' | 'estimated'
  missing?: 'default' | 'null'
  handling?: 'strict' | 'lenient'
  timezone?: string
  maxAffected?: number
  /** Only read when `pgrst.db_tx_end` allows the client to override it. */
  tx?: 'commit' | 'rollback'
  invalid: string[]
}

const kinds: Array<[keyof Preferences, string[]]> = [
  ['resolution', ['merge-duplicates', 'ignore-duplicates']],
  ['return', ['representation', 'minimal', 'headers-only']],
  ['count', ['exact', 'planned', 'estimated']],
  ['missing', ['default', 'null']],
  ['handling', ['strict', 'lenient']],
]
// tx=commit|rollback is always a known preference, but honoured only when `pgrst.db_tx_end` is
// commit-allow-override or rollback-allow-override (Supabase keeps the default, commit).
const txPreferences = new Set(['tx=commit', 'tx=rollback'])

export function parsePreferences(header: string | string[] | undefined, txOverride = false): Preferences {
  const values = (Array.isArray(header) ? header : header ? [header] : []).flatMap(value => value.split(',')).map(value => value.trim()).filter(Boolean)
  const preferences: Preferences = { invalid: [] }
  for (const value of values) {
    const [name = '', setting = ''] = value.split(/=(.*)/s)
    const kind = kinds.find(([key, accepted]) => name === key && accepted.includes(setting))
    if (kind) {
      const chosen = preferences as unknown as Record<string, string | undefined>
      chosen[kind[0]] ??= setting
    }
    else if (name === 'timezone') {
      preferences.timezone ??= setting
    }
    else if (name === 'max-affected' && /^-?[0-9]+$/.test(setting)) {
      preferences.maxAffected ??= Number(setting)
    }
    else if (txPreferences.has(value)) {
      if (txOverride) preferences.tx ??= setting as 'commit' | 'rollback'
    }
    else {
      preferences.invalid.push(value)
    }
  }
  if (preferences.handling === 'strict' && preferences.invalid.length) {
    throw new RestError(400, 'PGRST122', 'Invalid preferences given with handling=strict', `Invalid preferences: ${preferences.invalid.join(', ')}`)
  }
  return preferences
}

/** The Preference-Applied value for the preferences a request honoured, in PostgREST's order. */
export function preferenceApplied(applied: Partial<Preferences>): string | undefined {
  const parts = [
    applied.resolution && `resolution=${applied.resolution}`,
    applied.missing && `missing=${applied.missing}`,
    applied.return && `return=${applied.return}`,
    applied.count && `count=${applied.count}`,
    applied.tx && `tx=${applied.tx}`,
    applied.handling && `handling=${applied.handling}`,
    applied.timezone && `timezone=${applied.timezone}`,
    applied.handling === 'strict' && applied.maxAffected !== undefined && `max-affected=${applied.maxAffected}`,
  ].filter(Boolean)
  return parts.length ? parts.join(', ') : undefined
}

export type BodyFormat = 'json' | 'object' | 'csv'

export interface MediaChoice {
  format: BodyFormat
  stripNulls: boolean
  contentType: string
  /** `application/vnd.pgrst.plan`: EXPLAIN of what the request runs (with `pgrst.db_plan_enabled`). */
  plan?: { format: 'json' | 'text', options: string[] }
}

const planOptions = ['analyze', 'verbose', 'settings', 'buffers', 'wal']

const offered: Record<string, BodyFormat> = {
  'application/json': 'json',
  'application/vnd.pgrst.array+json': 'json',
  'application/vnd.pgrst.array': 'json',
  'application/vnd.pgrst.object+json': 'object',
  'application/vnd.pgrst.object': 'object',
  'text/csv': 'csv',
  '*/*': 'json',
  'application/*': 'json',
}

/** Picks the first acceptable media type, by quality then order (406 PGRST107 when none fits). */
export function negotiate(accept: string | undefined, planEnabled = false): MediaChoice {
  if (!accept || accept.trim() === '') return { format: 'json', stripNulls: false, contentType: 'application/json; charset=utf-8' }
  const ranges = accept.split(',').map((part, index) => {
    const [type = '', ...parameters] = part.split(';').map(piece => piece.trim())
    const params = new Map(parameters.map((parameter) => {
      const [key = '', value = ''] = parameter.split('=')
      return [key.trim().toLowerCase(), value.trim().replace(/^"|"$/g, '')]
    }))
    const quality = params.has('q') ? Number(params.get('q')) : 1
    return { type: type.toLowerCase(), params, quality: Number.isFinite(quality) ? quality : 0, index }
  }).filter(range => range.quality > 0).sort((a, b) => b.quality - a.quality || a.index - b.index)
  for (const range of ranges) {
    const plan = /^application\/vnd\.pgrst\.plan(?:\+(json|text))?$/.exec(range.type)
    if (plan && planEnabled) {
      const format = plan[1] === 'json' ? 'json' : 'text'
      const options = (range.params.get('options') ?? '').split('|').filter(option => planOptions.includes(option))
      const target = range.params.get('for') || 'application/json'
      const contentType = `application/vnd.pgrst.plan+${format}; for="${target}"${options.length ? `; options=${options.join('|')}` : ''}; charset=utf-8`
      return { ...negotiate(target), contentType, plan: { format, options } }
    }
    const format = offered[range.type]
    if (!format) continue
    const stripNulls = range.params.get('nulls') === 'stripped' && range.type.startsWith('application/vnd.pgrst.')
    if (format === 'csv') return { format, stripNulls: false, contentType: 'text/csv; charset=utf-8' }
    if (format === 'object') return { format, stripNulls, contentType: `application/vnd.pgrst.object+json${stripNulls ? '; nulls=stripped' : ''}; charset=utf-8` }
    const type = range.type.startsWith('application/vnd.pgrst.array') ? 'application/vnd.pgrst.array+json' : 'application/json'
    return { format, stripNulls, contentType: `${type}${stripNulls ? '; nulls=stripped' : ''}; charset=utf-8` }
  }
  throw new RestError(406, 'PGRST107', `None of these media types are available: ${accept.split(',').map(part => part.trim()).join(', ')}`)
}
