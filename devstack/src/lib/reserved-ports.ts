// The devstack's ports (54321… plus each instance's offset) lie inside Linux's range for ports the
// kernel hands out by itself (32768–60999): any program's listener on port 0 or client socket can
// be given one of them for a while, and an instance that starts then cannot bind it. When root,
// `make test` reserves the band its instances use, so the kernel stops handing those out (binding
// them on purpose stays possible). The setting lasts until the next boot.
import { readFileSync, writeFileSync } from 'node:fs'

const reservedPortsFile = '/proc/sys/net/ipv4/ip_local_reserved_ports'

/** The kernel's list with `first-last` added, or null when it is covered already. */
export function withReservedRange(current: string, first: number, last: number): string | null {
  const ranges = current.trim().split(',').filter(Boolean).map((entry) => {
    const [from, to] = entry.split('-').map(Number)
    return [from!, to ?? from!] as const
  })
  if (ranges.some(([from, to]) => from <= first && to >= last)) return null
  return [...ranges.map(([from, to]) => (from === to ? String(from) : `${from}-${to}`)), `${first}-${last}`].join(',')
}

/** Reserves first–last when root; otherwise, or where the kernel refuses, says so and goes on. */
export function reservePorts(first: number, last: number): void {
  if (process.getuid?.() !== 0) return
  try {
    const updated = withReservedRange(readFileSync(reservedPortsFile, 'utf8'), first, last)
    if (updated) writeFileSync(reservedPortsFile, updated)
  }
  catch (error) {
    console.log(`(ports ${first}–${last} not reserved: ${error instanceof Error ? error.message : String(error)})`)
  }
}
