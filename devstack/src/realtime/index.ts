// The devstack's Realtime: Phoenix websocket at /realtime/v1/websocket (both serializers), the
// REST broadcast API at /realtime/v1/api/broadcast, broadcast from the database and
// postgres_changes read from the WAL. Mirrors supabase/realtime v2.10x as supabase-js uses it.
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import { translateApiKey } from '../gateway/keys.ts'
import type { HttpService } from '../gateway/server.ts'
import type { ModuleFactory } from '../modules.ts'
import { connect } from '../shared/db.ts'
import { verifyToken } from './authorization.ts'
import { handleBroadcastApi } from './broadcast-api.ts'
import type { Channel } from './channel.ts'
import { realtimeLimits, type RealtimeContext } from './context.ts'
import { DatabaseBroadcasts, databaseMessage, isMessagesTable } from './database-broadcasts.ts'
import { Hub } from './hub.ts'
import { PostgresChanges } from './postgres-changes.ts'
import { PresenceRegistry } from './presence.ts'
import { realtimeProfile } from './profile.ts'
import { parseVsn } from './protocol.ts'
import { policyHeaders, RealtimeSocket } from './socket.ts'
import { WalReader } from './wal.ts'

export const slotName = 'devstack_realtime_messages'

/**
 * Realtime polls postgres_changes every 100 ms; broadcasts from the database want to be quicker
 * while anybody listens. Without sockets the WAL is only looked at to keep the slot moving.
 */
const pollIntervalMs = { listening: 25, idle: 500 }
/** After a crash, channels joining this long after the start still receive what was not delivered. */
const recoveryWindowMs = 30_000
/** Older undelivered database broadcasts are not replayed after a restart. */
const maxBacklogAgeMs = 60_000

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)
}

export const realtime: ModuleFactory = ({ config, jwt, commits }) => {
  const sql = connect(config, 'supabase_admin', { max: 10 })
  const walSql = connect(config, 'supabase_admin', { max: 1 })
  const hub = new Hub<Channel>()
  const databaseBroadcasts = new DatabaseBroadcasts(hub, maxBacklogAgeMs)
  const context: RealtimeContext = {
    jwt,
    sql,
    hub,
    presence: new PresenceRegistry(),
    changes: new PostgresChanges(sql),
    databaseBroadcasts,
    limits: realtimeLimits,
  }
  const websockets = new WebSocketServer({ noServer: true, perMessageDeflate: false })
  const pollInterval = () => (websockets.clients.size > 0 ? pollIntervalMs.listening : pollIntervalMs.idle)
  const profile = realtimeProfile(process.env.DEVSTACK_REALTIME_PROFILE === '1')
  const reader = new WalReader(walSql, { slotName, pollIntervalMs: pollInterval, maxChanges: 1000, recoveryWindowMs, onPeek: profile?.peek }, {
    async onTransaction(transaction, phase) {
      for (const change of transaction.changes) {
        const message = databaseMessage(change)
        if (message && profile) {
          const handedOver = performance.now()
          databaseBroadcasts.deliver(message, phase)
          profile.delivered(Date.now() - message.committedAt, performance.now() - handedOver)
        }
        else if (message) databaseBroadcasts.deliver(message, phase)
        else if (!isMessagesTable(change)) {
          // One change that cannot be delivered must not hold up the WAL behind it.
          await context.changes.handle(change).catch((error: unknown) =>
            console.error(`[realtime] postgres_changes for ${change.schema}.${change.table}:`, error instanceof Error ? error.message : error))
        }
      }
    },
    onRecoveryEnd: () => databaseBroadcasts.endRecovery(),
  })

  // A REST write just committed: what it broadcast is in the WAL now, not at the next poll.
  commits?.subscribe(() => reader.nudge())

  const service: HttpService = {
    prefix: '/realtime/v1',
    checksApiKey: true,
    handle: (req, res, path) => handleBroadcastApi(context, req, res, path),
    upgrade(req, socket, head, path) {
      const url = new URL(path, 'http://localhost')
      if (url.pathname !== '/websocket') return refuse(socket, '404 Not Found')
      const vsn = parseVsn(url.searchParams.get('vsn'))
      const header = req.headers['x-api-key']
      const apiKey = (typeof header === 'string' ? header : null) ?? url.searchParams.get('apikey')
      if (!vsn || !apiKey) return refuse(socket, '403 Forbidden')
      // The gateway's key translation, applied to the query parameter (Kong does the same).
      const apiKeyToken = translateApiKey(apiKey, config)
      void verifyToken(jwt, apiKeyToken).then((check) => {
        if (!check.ok) return refuse(socket, '403 Forbidden')
        websockets.handleUpgrade(req, socket, head, (ws) => {
          new RealtimeSocket(context, ws, vsn, apiKeyToken, policyHeaders(req))
          reader.nudge()
        })
      })
    },
  }

  return {
    name: 'realtime',
    services: [service],
    start: () => reader.start(),
    async stop() {
      for (const ws of websockets.clients) ws.close(1001, 'server shutting down')
      await reader.stop()
      profile?.stop()
      await Promise.all([sql.end({ timeout: 5 }), walSql.end({ timeout: 5 })])
    },
    describe: () => [`Realtime    ws://127.0.0.1:${config.ports.api}/realtime/v1/websocket (database broadcasts through slot ${slotName})`],
  }
}
