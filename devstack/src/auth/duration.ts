// Go's time.ParseDuration, which GoTrue uses for `ban_duration` and the CLI for session limits
// ("12h", "30m", "1h30m", "876000h", "500ms").
const unitMs: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

export function parseGoDuration(text: string): number {
  const match = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(text)
  if (text === '0') return 0
  if (!match) throw new Error(`invalid duration "${text}"`)
  let total = 0
  for (const part of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(part[1]) * unitMs[part[2]!]!
  }
  return match[1] === '-' ? -total : total
}
