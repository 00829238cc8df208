// Devstack only: a database broadcast committed but not yet delivered survives `kill -9` of the
// devstack. The test runs its own devstack instance (own cluster and ports, offset +2000) so it
// can kill it: the API process is frozen with SIGSTOP (alive, delivering nothing), the broadcast
// is committed, the process is killed with SIGKILL and started again; the subscriber reconnects
// and receives the broadcast exactly once, between what came before and after.
import { spawn, type ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { createClient, type SupabaseClient, type WebSocketLikeConstructor } from '@supabase/supabase-js'
import postgres from 'postgres'
import { WebSocket } from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dbUrl, loadConfig } from '../../devstack/src/config.ts'
import { slotName } from '../../devstack/src/realtime/index.ts'
import { runStreaming } from '../helpers/command.ts'
import { testEnv } from '../helpers/env.ts'
import { Inbox, subscribed, uniqueTopic, type BroadcastMessage } from '../helpers/realtime.ts'

const env = { ...process.env, DEVSTACK_INSTANCE: 'realtime-restart', DEVSTACK_PORT_OFFSET: String(Number(process.env.DEVSTACK_PORT_OFFSET || 0) + 2000) }
const config = loadConfig(env)
const cli = join(config.root, 'devstack/src/cli.ts')

let api: ChildProcess | undefined
let sql: postgres.Sql
let client: SupabaseClient | undefined

/** `serve` in its own process group; resolves once it listens. */
function startApi(): Promise<ChildProcess> {
  return new Promise((resolveStart, rejectStart) => {
    const child = spawn(process.execPath, [cli, 'serve'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const collect = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes(config.apiUrl)) resolveStart(child)
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    child.once('exit', code => rejectStart(new Error(`devstack serve exited (${code}):\n${output}`)))
  })
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise(resolveExit => child.once('exit', () => resolveExit()))
}

describe.skipIf(!testEnv.isDevstack)('a devstack killed between commit and delivery', () => {
  beforeAll(async () => {
    const reset = await runStreaming(process.execPath, [cli, 'db:reset'], { env, quiet: true })
    if (reset.code !== 0) throw new Error(`db:reset of ${config.instance} failed:\n${reset.output}`)
    sql = postgres(dbUrl(config, 'postgres'), { max: 1, onnotice: () => {} })
    api = await startApi()
  }, 120_000)

  afterAll(async () => {
    await client?.removeAllChannels()
    if (api?.pid && api.exitCode === null && api.signalCode === null) {
      process.kill(-api.pid, 'SIGTERM')
      await exited(api)
    }
    await sql?.end()
    await runStreaming(process.execPath, [cli, 'stop'], { env, quiet: true })
    rmSync(config.dataDir, { recursive: true, force: true })
  }, 60_000)

  it('delivers the broadcast exactly once after the restart', async () => {
    const topic = uniqueTopic('restart')
    const received = new Inbox<BroadcastMessage>()
    client = createClient(config.apiUrl, config.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      // The `ws` transport: Node's own WebSocket fires no close event when a reconnect attempt is
      // refused, so realtime-js would stop retrying while the devstack is down.
      realtime: { vsn: '2.0.0', reconnectAfterMs: () => 250, transport: WebSocket as unknown as WebSocketLikeConstructor },
    })
    await subscribed(client.channel(topic).on('broadcast', { event: '*' }, received.push))
    const send = (event: string) => sql`select realtime.send(${sql.json({ event })}, ${event}, ${topic}, false)`

    // Delivered, and the slot confirmed past it, before anything is killed.
    const [{ lsn }] = await sql.begin(async (tx) => {
      await tx`select realtime.send(${tx.json({ event: 'before' })}, 'before', ${topic}, false)`
      return tx<[{ lsn: string }]>`select pg_current_wal_insert_lsn()::text as lsn`
    })
    await received.next(message => message.event === 'before')
    while (!(await sql`select confirmed_flush_lsn > ${lsn}::pg_lsn as done from pg_replication_slots where slot_name = ${slotName}`)[0]?.done) {
      await new Promise(resolveWait => setTimeout(resolveWait, 50))
    }

    // Committed while the devstack is alive but frozen, then kill -9.
    process.kill(-api!.pid!, 'SIGSTOP')
    await send('during')
    process.kill(-api!.pid!, 'SIGKILL')
    await exited(api!)

    api = await startApi()
    await received.next(message => message.event === 'during')
    await send('after')
    await received.next(message => message.event === 'after')
    expect(received.items.map(message => message.event)).toEqual(['before', 'during', 'after'])
  }, 60_000)
})
