// A search box's text, handed to `target` (usually a URL filter) once typing pauses for 300 ms,
// so a list reloads per word, not per keystroke.
export function useTypedSearch(target: WritableComputedRef<string>) {
  const typed = ref(target.value)
  let pending: ReturnType<typeof setTimeout> | undefined
  watch(typed, (value) => {
    clearTimeout(pending)
    if (value.trim() !== target.value) pending = setTimeout(() => (target.value = value.trim()), 300)
  })
  // The target changed elsewhere (back button, a "clear filters" link): the box shows it.
  watch(target, (value) => {
    if (value !== typed.value.trim()) typed.value = value
  })
  // A pause still running when the box goes away is dropped, not written into the next page's filter.
  onScopeDispose(() => clearTimeout(pending))
  return typed
}
