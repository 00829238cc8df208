// Dates and times as the firm reads them: in Europe/Berlin (wherever the browser is), in the UI's
// language. Formatters are made once per language.
export const portalTimeZone = 'Europe/Berlin'

const dateTimes = new Map<string, Intl.DateTimeFormat>()
const relatives = new Map<string, Intl.RelativeTimeFormat>()

function dateTimeFormat(locale: string): Intl.DateTimeFormat {
  let format = dateTimes.get(locale)
  if (!format) dateTimes.set(locale, format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: portalTimeZone }))
  return format
}

/** "3. Dez. 2026, 14:05" */
export const formatDateTime = (iso: string, locale: string) => dateTimeFormat(locale).format(new Date(iso))

const steps: Array<[unit: Intl.RelativeTimeFormatUnit, seconds: number]> = [['day', 86_400], ['hour', 3_600], ['minute', 60]]

/** "vor 5 Minuten", "gestern"; older than a week: the date and time. */
export function formatRelative(iso: string, now: number, locale: string): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000)
  if (Math.abs(seconds) >= 7 * 86_400) return formatDateTime(iso, locale)
  let format = relatives.get(locale)
  if (!format) relatives.set(locale, format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }))
  for (const [unit, size] of steps) {
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit)
  }
  return format.format(0, 'minute')
}
