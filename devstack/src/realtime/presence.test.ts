import { describe, expect, it } from 'vitest'
import { PresenceRegistry } from './presence.ts'

describe('presence registry', () => {
  it('tracks metas per key with a phx_ref and lists them', () => {
    const presence = new PresenceRegistry<string>()
    const diff = presence.track('public:room', 'channel-a', 'alice', { typing: false })
    expect(diff.leaves).toEqual({})
    expect(diff.joins.alice?.metas).toEqual([{ typing: false, phx_ref: expect.any(String) }])
    presence.track('public:room', 'channel-b', 'alice', { typing: true })
    expect(presence.list('public:room').alice?.metas.map(meta => meta.typing)).toEqual([false, true])
    expect(presence.list('private:room')).toEqual({})
  })

  it('turns a second track into a leave of the old meta and a join with phx_ref_prev', () => {
    const presence = new PresenceRegistry<string>()
    const first = presence.track('t', 'a', 'k', { v: 1 }).joins.k!.metas[0]!
    const update = presence.track('t', 'a', 'k', { v: 2 })
    expect(update.leaves.k?.metas).toEqual([first])
    expect(update.joins.k?.metas).toEqual([{ v: 2, phx_ref: expect.any(String), phx_ref_prev: first.phx_ref }])
    expect(presence.list('t').k?.metas).toHaveLength(1)
  })

  it('untracks one owner only and reports nothing when nothing was tracked', () => {
    const presence = new PresenceRegistry<string>()
    presence.track('t', 'a', 'k1', {})
    presence.track('t', 'b', 'k2', {})
    expect(Object.keys(presence.untrack('t', 'a')!.leaves)).toEqual(['k1'])
    expect(presence.untrack('t', 'a')).toBeNull()
    expect(Object.keys(presence.list('t'))).toEqual(['k2'])
  })
})
