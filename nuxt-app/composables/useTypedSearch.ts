// A search box's text, handed to `target` (usually a URL filter) once typing pauses for 300 ms,
// so a list reloads per word, not per keystroke.
export function useTypedSearch(target: WritableComputedRef<string>) {
  const typed = ref(target.value)
  let pending: ReturnType<typeof setTimeout> | undefined
  watch(typed, (value) => {
    clearTimeout(pending)
    pending = setTimeout(() => (target.value = value.trim()), 300)
  })
  return typed
}
