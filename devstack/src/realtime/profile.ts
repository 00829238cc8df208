// DEVSTACK_REALTIME_PROFILE=1: where a database broadcast's time goes inside the devstack, written
// to devstack.log every 10 s (bench/chat reads it): how long each WAL peek took and how many
// changes it decoded, and for each broadcast the time from its commit (wal2json's commit
// timestamp) until it was handed to the sockets, and the hand-over (fan-out) itself. What remains
// of a client's latency is the socket write, the network stack and the client.
const intervalMs = 10_000

const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (fraction: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0) * 10) / 10
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) }
}

export interface RealtimeProfile {
  peek: (ms: number, rows: number) => void
  delivered: (commitToPublishMs: number, fanOutMs: number) => void
  stop: () => void
}

export function realtimeProfile(enabled: boolean): RealtimeProfile | null {
  if (!enabled) return null
  let peekMs: number[] = []
  let peekRows: number[] = []
  let commitToPublish: number[] = []
  let fanOut: number[] = []
  const timer = setInterval(() => {
    if (peekMs.length === 0) return
    console.log(`[realtime profile] ${JSON.stringify({ at: new Date().toISOString(), peekMs: summary(peekMs), peekRows: summary(peekRows),
      commitToPublishMs: summary(commitToPublish), fanOutMs: summary(fanOut) })}`)
    peekMs = []
    peekRows = []
    commitToPublish = []
    fanOut = []
  }, intervalMs)
  timer.unref()
  return {
    peek: (ms, rows) => {
      peekMs.push(ms)
      peekRows.push(rows)
    },
    delivered: (lag, ms) => {
      commitToPublish.push(lag)
      fanOut.push(ms)
    },
    stop: () => clearInterval(timer),
  }
}
