// Dates and times as the firm reads them: the UI language's format, always in German time.
export function useDateTime() {
  const { locale } = useI18n()
  const format = computed(() => new Intl.DateTimeFormat(locale.value === 'de' ? 'de-DE' : 'en-GB', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Berlin' }))
  return (iso: string) => format.value.format(new Date(iso))
}
