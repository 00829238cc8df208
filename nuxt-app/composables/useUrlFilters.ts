// A list's filters and sort live in the URL's query, so a filtered view can be bookmarked,
// shared with a colleague and restored by the back button. Values are strings; empty ones and
// defaults are left out of the URL. Changing them replaces the history entry (no back-button
// noise per keystroke).
export function useUrlFilters<Key extends string>(keys: readonly Key[]) {
  const route = useRoute()
  const router = useRouter()

  const filters = computed(() => {
    const values = {} as Record<Key, string>
    for (const key of keys) {
      const value = route.query[key]
      values[key] = typeof value === 'string' ? value : ''
    }
    return values
  })

  function update(changes: Partial<Record<Key, string>>) {
    const query: Record<string, string> = {}
    for (const [key, value] of Object.entries(route.query)) {
      if (typeof value === 'string' && !keys.includes(key as Key)) query[key] = value
    }
    for (const key of keys) {
      const value = key in changes ? changes[key] : filters.value[key]
      if (value) query[key] = value
    }
    return router.replace({ query })
  }

  const clear = () => update(Object.fromEntries(keys.map(key => [key, ''])) as Partial<Record<Key, string>>)

  /** One filter as a v-model for a form control. */
  const bind = (key: Key) => computed({
    get: () => filters.value[key],
    set: (value: string) => void update({ [key]: value } as Partial<Record<Key, string>>),
  })

  return { filters, update, clear, bind }
}
