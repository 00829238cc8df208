// What the Realtime benchmarks share: websocket clients of the private-channel protocol (a probe
// that hands each frame to the benchmark, a silent listener that only keeps its socket busy), the
// CPU and memory of the devstack and PostgreSQL sampled from /proc, and latency percentiles.
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import type { DevstackConfig } from '../../devstack/src/config.ts'

/** Epoch milliseconds with sub-millisecond resolution, on the clock PostgreSQL stamps with. */
export const now = () => performance.timeOrigin + performance.now()
export const sleep = (ms: number) => new Promise(resolveSleep => setTimeout(resolveSleep, ms))
export const round = (value: number) => Math.round(value * 10) / 10

/** p50, p95, p99 and max of latencies in ms (sorts in place). */
export function latencySummary(latencies: Float64Array) {
  const sorted = latencies.sort()
  const at = (fraction: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN)
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round(sorted[sorted.length - 1] ?? Number.NaN) }
}

/** CPU seconds and resident memory of processes, read from /proc. */
export function processUsage(pids: number[]): { cpuSeconds: number, rssBytes: number } {
  let cpuSeconds = 0
  let rssBytes = 0
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
      cpuSeconds += (Number(fields[11]) + Number(fields[12])) / 100
      rssBytes += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024
    }
    catch {
      // the process ended meanwhile
    }
  }
  return { cpuSeconds, rssBytes }
}

export function devstackPid(config: DevstackConfig): number {
  return (JSON.parse(readFileSync(join(config.dataDir, 'devstack.json'), 'utf8')) as { pid: number }).pid
}

export function postgresPids(config: DevstackConfig): number[] {
  const postmaster = Number(readFileSync(join(config.pgDataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
  const children = readdirSync('/proc').filter(name => /^\d+$/.test(name)).filter((pid) => {
    try {
      return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]) === postmaster
    }
    catch {
      return false
    }
  })
  return [postmaster, ...children.map(Number)]
}

/** Samples CPU (percent of one core) and peak RSS every second until stopped. */
export function sampler(pids: () => number[]) {
  const cpuPercents: number[] = []
  let peakRss = 0
  let last = { at: now(), ...processUsage(pids()) }
  const timer = setInterval(() => {
    const current = { at: now(), ...processUsage(pids()) }
    // A process that ended since the last sample takes its CPU time along: never below 0.
    cpuPercents.push(Math.max(0, (100 * (current.cpuSeconds - last.cpuSeconds)) / ((current.at - last.at) / 1000)))
    peakRss = Math.max(peakRss, current.rssBytes)
    last = current
  }, 1000)
  return () => {
    clearInterval(timer)
    return {
      cpuPercentAvg: round(cpuPercents.reduce((sum, value) => sum + value, 0) / Math.max(cpuPercents.length, 1)),
      cpuPercentMax: round(Math.max(0, ...cpuPercents)),
      rssMbPeak: round(peakRss / 1024 / 1024),
    }
  }
}

export interface BenchClient {
  joined: Promise<void>
  heartbeat: () => void
  close: () => void
}

const joinFrame = (topic: string, token: string) => JSON.stringify(['1', '1', `realtime:${topic}`, 'phx_join', {
  config: { broadcast: { ack: false, self: false }, presence: { key: '', enabled: false }, postgres_changes: [], private: true },
  access_token: token,
}])
const heartbeatFrame = JSON.stringify([null, 'hb', 'phoenix', 'heartbeat', {}])

/** A 2.0.0 client (the `ws` package, the wire supabase-js speaks) joined to a private topic; every later frame goes to onFrame. */
export function probeClient(config: DevstackConfig, topic: string, token: string, onFrame: (text: string) => void): BenchClient {
  const ws = new WebSocket(`ws://127.0.0.1:${config.ports.api}/realtime/v1/websocket?apikey=${config.anonKey}&vsn=2.0.0`)
  const joined = new Promise<void>((resolveJoin, rejectJoin) => {
    ws.on('open', () => ws.send(joinFrame(topic, token)))
    ws.on('error', rejectJoin)
    ws.on('message', (data: Buffer) => {
      const text = data.toString()
      if (text.startsWith('["1","1"')) {
        if (text.includes('"status":"ok"')) resolveJoin()
        else rejectJoin(new Error(text))
        return
      }
      onFrame(text)
    })
  })
  return { joined, heartbeat: () => ws.send(heartbeatFrame), close: () => ws.terminate() }
}

/** A client frame (clients must mask) carrying one text message. */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text)
  const length = payload.length < 126 ? Buffer.from([0x80 | payload.length]) : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xFF])
  const mask = randomBytes(4)
  return Buffer.concat([Buffer.from([0x81]), length, mask, payload.map((byte, index) => byte ^ mask[index % 4]!)])
}

/**
 * A listener that joins like the others but never parses what it receives: a raw TCP socket doing
 * the websocket handshake. It keeps the bench process light, so the figures show the devstack.
 */
export function silentClient(config: DevstackConfig, topic: string, token: string): BenchClient {
  const socket = connect(config.ports.api, '127.0.0.1')
  let received = ''
  const joined = new Promise<void>((resolveJoin, rejectJoin) => {
    socket.on('connect', () => socket.write([
      `GET /realtime/v1/websocket?apikey=${config.anonKey}&vsn=2.0.0 HTTP/1.1`, `Host: 127.0.0.1:${config.ports.api}`,
      'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Version: 13', '', '',
    ].join('\r\n')))
    socket.on('error', rejectJoin)
    const handshake = (chunk: Buffer) => {
      received += chunk.toString('latin1')
      if (!received.includes('\r\n\r\n')) return
      if (!received.startsWith('HTTP/1.1 101')) return rejectJoin(new Error(received.split('\r\n')[0]))
      socket.off('data', handshake)
      socket.write(maskedTextFrame(joinFrame(topic, token)))
      let reply = ''
      const awaitReply = (data: Buffer) => {
        reply += data.toString('latin1')
        if (!reply.includes('"phx_reply"')) return
        socket.off('data', awaitReply)
        socket.on('data', () => {}) // keep reading (and dropping) what arrives
        if (reply.includes('"status":"ok"')) resolveJoin()
        else rejectJoin(new Error(reply))
      }
      socket.on('data', awaitReply)
    }
    socket.on('data', handshake)
  })
  return { joined, heartbeat: () => socket.write(maskedTextFrame(heartbeatFrame)), close: () => socket.destroy() }
}

/** Opens clients in batches (all of a batch joined before the next starts) and keeps them alive with heartbeats. */
export async function connectAll(open: Array<() => BenchClient>, batchSize = 50) {
  const started = now()
  const clients: BenchClient[] = []
  for (let index = 0; index < open.length; index += batchSize) {
    const batch = open.slice(index, index + batchSize).map(start => start())
    await Promise.all(batch.map(client => client.joined))
    clients.push(...batch)
  }
  const heartbeat = setInterval(() => clients.forEach(client => client.heartbeat()), 25_000)
  return {
    joinSeconds: round((now() - started) / 1000),
    close: () => {
      clearInterval(heartbeat)
      clients.forEach(client => client.close())
    },
  }
}
