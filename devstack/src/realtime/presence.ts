// Phoenix Presence as Realtime uses it: per topic, each key has a list of metas (one per tracking
// channel), every meta carries a unique `phx_ref`; changes go out as `presence_diff` with `joins`
// and `leaves`, an update being a leave of the old meta and a join of the new one with
// `phx_ref_prev`.
import { randomBytes } from 'node:crypto'

export type Meta = Record<string, unknown> & { phx_ref: string, phx_ref_prev?: string }
export type PresenceState = Record<string, { metas: Meta[] }>
export interface PresenceDiff { joins: PresenceState, leaves: PresenceState }

interface Entry<Owner> {
  owner: Owner
  key: string
  meta: Meta
}

const newRef = () => randomBytes(8).toString('base64')

function group(entries: Array<{ key: string, meta: Meta }>): PresenceState {
  const state: PresenceState = {}
  for (const { key, meta } of entries) (state[key] ??= { metas: [] }).metas.push(meta)
  return state
}

export class PresenceRegistry<Owner> {
  /** topic key → entries in the order they were tracked */
  private readonly topics = new Map<string, Array<Entry<Owner>>>()

  list(topic: string): PresenceState {
    return group(this.topics.get(topic) ?? [])
  }

  /** Tracks `payload` for the owner under `key`, or updates the owner's existing meta. */
  track(topic: string, owner: Owner, key: string, payload: Record<string, unknown>): PresenceDiff {
    const entries = this.topics.get(topic) ?? []
    this.topics.set(topic, entries)
    const existing = entries.find(entry => entry.owner === owner && entry.key === key)
    if (!existing) {
      const meta: Meta = { ...payload, phx_ref: newRef() }
      entries.push({ owner, key, meta })
      return { joins: group([{ key, meta }]), leaves: {} }
    }
    const previous = existing.meta
    existing.meta = { ...payload, phx_ref: newRef(), phx_ref_prev: previous.phx_ref }
    return { joins: group([existing]), leaves: group([{ key, meta: previous }]) }
  }

  /** Removes the owner's metas (all keys, or one); null when nothing was tracked. */
  untrack(topic: string, owner: Owner, key?: string): PresenceDiff | null {
    const entries = this.topics.get(topic)
    if (!entries) return null
    const leaving = entries.filter(entry => entry.owner === owner && (key === undefined || entry.key === key))
    if (leaving.length === 0) return null
    const remaining = entries.filter(entry => !leaving.includes(entry))
    if (remaining.length === 0) this.topics.delete(topic)
    else this.topics.set(topic, remaining)
    return { joins: {}, leaves: group(leaving) }
  }
}
