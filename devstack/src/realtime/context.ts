// What every socket and channel of the Realtime twin shares (Realtime's "tenant" state).
import type { Sql } from 'postgres'
import type { JwtKeys } from '../shared/jwt.ts'
import type { Channel } from './channel.ts'
import type { DatabaseBroadcasts } from './database-broadcasts.ts'
import type { Hub } from './hub.ts'
import type { PostgresChanges } from './postgres-changes.ts'
import type { PresenceRegistry } from './presence.ts'

/** Realtime's defaults for a tenant (runtime.exs and the tenant record). */
export const realtimeLimits = {
  /** CHANNEL_ERROR_BACKOFF_MS: how long a refused join waits before the error reply. */
  joinErrorDelayMs: 5_000,
  maxChannelsPerSocket: 100,
  /** CLIENT_PRESENCE_MAX_CALLS per CLIENT_PRESENCE_WINDOW_MS, then the channel is shut down. */
  presenceCallsPerWindow: 5,
  presenceWindowMs: 30_000,
  /** Phoenix closes a websocket that sent nothing (not even a heartbeat) for this long. */
  socketIdleTimeoutMs: 60_000,
  /** A JWT `exp` far away is re-confirmed at least this often. */
  tokenRecheckMaxMs: 3_600_000,
}

export interface RealtimeContext {
  jwt: JwtKeys
  /** supabase_admin pool (Realtime's own login), switching into the caller's role per check. */
  sql: Sql
  hub: Hub<Channel>
  presence: PresenceRegistry<Channel>
  changes: PostgresChanges
  databaseBroadcasts: DatabaseBroadcasts
  limits: typeof realtimeLimits
}
