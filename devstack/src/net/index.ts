// The pg_net background worker's job, done by the devstack (supabase/platform/50_net.sql): take
// committed rows off net.http_request_queue, send them, and record each outcome in
// net._http_response under the request's id. Woken by NOTIFY devstack_net on commit, and by a
// poll every few seconds for requests whose notification nobody heard (e.g. queued while the
// devstack was down). Responses older than pg_net's default ttl (6 hours) are deleted, as pg_net does.
import type { Sql } from 'postgres'
import type { DevstackConfig } from '../config.ts'
import type { ModuleFactory } from '../modules.ts'
import { connect } from '../shared/db.ts'
import { failure, type NetResponse, type QueuedRequest, send } from './send.ts'
import { resolveTarget } from './target.ts'

/** pg_net's default batch_size. */
const batchSize = 200
const pollIntervalMs = 3_000

export interface NetWorker {
  start: () => Promise<void>
  stop: () => Promise<void>
  /** Sends everything queued now; resolves when their outcomes are recorded. */
  drain: () => Promise<void>
}

export function createNetWorker(config: DevstackConfig, sql: Sql): NetWorker {
  let running: Promise<void> | undefined
  let again = false
  let timer: NodeJS.Timeout | undefined
  let unlisten: (() => Promise<void>) | undefined
  let stopped = false

  const takeBatch = () => sql<QueuedRequest[]>`
    delete from net.http_request_queue
    where id in (select id from net.http_request_queue order by id limit ${batchSize} for update skip locked)
    returning id, method, url, headers, body, timeout_milliseconds`

  const record = (id: string, response: NetResponse) => sql`
    insert into net._http_response (id, status_code, content, headers, content_type, timed_out, error_msg)
    values (${id}, ${response.status_code}, ${response.content}, ${response.headers ? sql.json(response.headers) : null},
            ${response.content_type}, ${response.timed_out}, ${response.error_msg})`

  const perform = async (request: QueuedRequest) => {
    const target = resolveTarget(request.url, config)
    const response = 'url' in target ? await send(request, target.url) : failure(target.error)
    await record(request.id, response)
  }

  const drainQueue = async () => {
    for (let batch = await takeBatch(); batch.length > 0 && !stopped; batch = await takeBatch()) {
      await Promise.all(batch.map(perform))
    }
  }

  const drain = (): Promise<void> => {
    if (running) {
      again = true
      return running
    }
    running = (async () => {
      do {
        again = false
        await drainQueue().catch(error => console.error('[net] draining net.http_request_queue failed:', error))
      } while (again && !stopped)
      running = undefined
    })()
    return running
  }

  const poll = async () => {
    await drain()
    await sql`delete from net._http_response where created < now() - interval '6 hours'`
      .catch(error => console.error('[net] removing old responses failed:', error))
    if (!stopped) timer = setTimeout(() => void poll(), pollIntervalMs)
  }

  return {
    async start() {
      // The listen callback also runs after a reconnect, when notifications may have been missed.
      const listener = await sql.listen('devstack_net', () => void drain(), () => void drain())
      unlisten = listener.unlisten
      await poll()
    },
    async stop() {
      stopped = true
      clearTimeout(timer)
      await unlisten?.().catch(() => {})
      await running
    },
    drain,
  }
}

export const netModule: ModuleFactory = ({ config }) => {
  // pg_net's worker is a superuser background process; supabase_admin is its counterpart here.
  const sql = connect(config, 'supabase_admin', { max: 4 })
  const worker = createNetWorker(config, sql)
  return {
    name: 'net',
    start: worker.start,
    stop: async () => {
      await worker.stop()
      await sql.end({ timeout: 5 })
    },
    describe: () => ['pg_net     stand-in: sends net.http_* requests to loopback addresses, results in net._http_response'],
  }
}
