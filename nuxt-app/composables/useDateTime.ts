// Dates and times as the firm reads them: the UI language's format, always in German time.
// `medium` spells the month ("4. Dez. 2026"); missing times read "–".
export function useDateTime(dateStyle: 'short' | 'medium' = 'short') {
  const { locale } = useI18n()
  const format = computed(() => new Intl.DateTimeFormat(locale.value === 'de' ? 'de-DE' : 'en-GB', { dateStyle, timeStyle: 'short', timeZone: 'Europe/Berlin' }))
  return (iso: string | null | undefined) => (iso ? format.value.format(new Date(iso)) : '–')
}
