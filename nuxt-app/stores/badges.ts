// The numbers beside the navigation entries (unread tickets, later unread messages). Each feature
// keeps its own count current (e.g. useTicketBadge, started by the signed-in layout) and writes it
// here; the navigation only reads.
import { defineStore } from 'pinia'
import type { SectionKey } from '~/utils/sections'

export const useBadgesStore = defineStore('badges', () => {
  const counts = ref<Partial<Record<SectionKey, number>>>({})
  const set = (section: SectionKey, count: number) => (counts.value = { ...counts.value, [section]: count })
  return { counts, set }
})
