// The search box of every list: typing reaches the list's filter once typing pauses, and a filter
// changed elsewhere (back button, "clear filters") shows in the box without being sent back.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick, ref, computed } from 'vue'
import { useTypedSearch } from '~/composables/useTypedSearch'

describe('useTypedSearch', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  function searchOn(initial: string) {
    const filter = ref(initial)
    const writes: string[] = []
    const target = computed({ get: () => filter.value, set: (value: string) => {
      writes.push(value)
      filter.value = value
    } })
    return { filter, writes, typed: useTypedSearch(target) }
  }

  it('hands the trimmed text over once typing pauses for 300 ms, once per pause', async () => {
    const { writes, typed } = searchOn('')
    typed.value = 'Mie'
    await nextTick()
    vi.advanceTimersByTime(200)
    typed.value = 'Miete '
    await nextTick()
    vi.advanceTimersByTime(299)
    expect(writes).toEqual([])
    vi.advanceTimersByTime(1)
    expect(writes).toEqual(['Miete'])
  })

  it('shows a filter changed elsewhere and sends nothing back for it', async () => {
    const { filter, writes, typed } = searchOn('Frist')
    expect(typed.value).toBe('Frist')
    filter.value = ''
    await nextTick()
    expect(typed.value).toBe('')
    vi.advanceTimersByTime(1000)
    expect(writes).toEqual([])
  })
})
