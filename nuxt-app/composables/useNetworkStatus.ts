// Whether the browser believes it is online; the app shell works offline, the portal's data does not.
const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine)
let listening = false

export function useNetworkStatus() {
  if (!listening && typeof window !== 'undefined') {
    listening = true
    window.addEventListener('online', () => (online.value = true))
    window.addEventListener('offline', () => (online.value = false))
  }
  return { online: readonly(online) }
}
