// Reads committed changes from the write-ahead log through a persistent logical replication slot
// with wal2json, polling like Realtime's postgres_changes poller (and waking early only when the
// flushed WAL moved). Changes are peeked, handed on transaction by transaction in commit order,
// and the slot is advanced past them only afterwards, so a crash between commit and delivery
// loses nothing: the next start finds them still in the slot ("backlog").
//
// Decoded: inserts into realtime.messages (every partition, `realtime.*`) and inserts, updates and
// deletes of the tables in the `supabase_realtime` publication. Values arrive as text (numbers
// keep their exact digits); wal2json's own type names come along.
import type { Sql } from 'postgres'

export interface WalColumn {
  name: string
  /** wal2json's type name, e.g. `bigint`, `text[]`, `jsonb`. */
  type: string
  value: string | null
}

export interface WalChange {
  action: 'INSERT' | 'UPDATE' | 'DELETE'
  schema: string
  table: string
  /** New row (INSERT, UPDATE). */
  columns: WalColumn[]
  /** Old row's replica identity (UPDATE, DELETE): the primary key, or all columns with REPLICA IDENTITY FULL. */
  identity: WalColumn[]
  primaryKey: string[]
  /** Commit time as wal2json prints it (`2026-11-27 10:00:00.123456+00`). */
  commitTimestamp: string
}

export interface WalTransaction {
  commitLsn: string
  changes: WalChange[]
}

export interface WalHandlers {
  /** `backlog`: committed before this process started and not yet delivered. */
  onTransaction: (transaction: WalTransaction, phase: 'backlog' | 'live') => Promise<void>
  /** The recovery window after a backlog is over; the slot moves on again. */
  onRecoveryEnd?: () => void
}

export interface WalReaderOptions {
  slotName: string
  /** Asked before each sleep: how long until the next look at the WAL. */
  pollIntervalMs: () => number
  /** How many changes one peek decodes at most (outside recovery). */
  maxChanges: number
  /** After a start with a backlog, the slot is held this long so a crash meanwhile keeps it. */
  recoveryWindowMs: number
  /** Told how long each peek took and how many rows it decoded (DEVSTACK_REALTIME_PROFILE). */
  onPeek?: (ms: number, rows: number) => void
}

interface PeekRow {
  lsn: string
  action: 'B' | 'C' | 'I' | 'U' | 'D'
  schema: string | null
  table: string | null
  timestamp: string
  columns: Array<[string, string, string | null]>
  identity: Array<[string, string, string | null]>
  pk: string[]
}

const actions = { I: 'INSERT', U: 'UPDATE', D: 'DELETE' } as const

/** Characters wal2json's add-tables wants escaped with a backslash. */
const wal2jsonSpecials = String.raw`([ ,.'*\\])`

export const lsnValue = (lsn: string): bigint => {
  const [high = '0', low = '0'] = lsn.split('/')
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`)
}

/** wal2json's `2026-11-27 10:00:00.123456+00` as epoch milliseconds. */
export const walTimestamp = (text: string): number =>
  Date.parse(text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'))

const toColumns = (list: PeekRow['columns']): WalColumn[] => list.map(([name, type, value]) => ({ name, type, value }))

/** Groups peeked rows into committed transactions (wal2json emits B … C around each). */
export function groupTransactions(rows: PeekRow[]): WalTransaction[] {
  const transactions: WalTransaction[] = []
  let changes: WalChange[] = []
  for (const row of rows) {
    if (row.action === 'B') changes = []
    else if (row.action === 'C') transactions.push({ commitLsn: row.lsn, changes })
    else {
      changes.push({
        action: actions[row.action],
        schema: row.schema ?? '',
        table: row.table ?? '',
        columns: toColumns(row.columns),
        identity: toColumns(row.identity),
        primaryKey: row.pk,
        commitTimestamp: row.timestamp,
      })
    }
  }
  return transactions
}

export class WalReader {
  private readonly sql: Sql
  private readonly options: WalReaderOptions
  private readonly handlers: WalHandlers
  private stopped = false
  private loop: Promise<void> | undefined
  private wake: (() => void) | undefined
  /** A nudge came while a poll ran: poll again right after it instead of pausing. */
  private nudged = false
  /** Last commit handed to the handlers (in memory; the slot may lag behind during recovery). */
  private processedLsn = 0n
  private processedLsnText = ''
  private confirmedLsn = 0n
  private lastFlushLsn = ''
  private startFlushLsn = 0n
  private recoveryEndsAt: number | null = null
  private moreWaiting = true

  constructor(sql: Sql, options: WalReaderOptions, handlers: WalHandlers) {
    this.sql = sql
    this.options = options
    this.handlers = handlers
  }

  /** Creates the slot if missing and delivers the backlog before returning. */
  async start(): Promise<void> {
    const [slot] = await this.sql<Array<{ confirmed: string | null }>>`
      select confirmed_flush_lsn::text as confirmed from pg_replication_slots where slot_name = ${this.options.slotName}`
    if (!slot) await this.sql`select pg_create_logical_replication_slot(${this.options.slotName}, 'wal2json')`
    this.confirmedLsn = slot?.confirmed ? lsnValue(slot.confirmed) : 0n
    const [flush] = await this.sql<Array<{ lsn: string }>>`select pg_current_wal_flush_lsn()::text as lsn`
    this.startFlushLsn = lsnValue(flush!.lsn)
    await this.poll()
    this.loop = this.run()
  }

  /** Looks at the WAL now instead of at the end of the current pause. */
  nudge(): void {
    this.nudged = true
    this.wake?.()
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.wake?.()
    await this.loop
  }

  private async run(): Promise<void> {
    let failures = 0
    while (!this.stopped) {
      this.nudged = false
      try {
        await this.poll()
        failures = 0
      }
      catch (error) {
        failures++
        console.error('[realtime] reading the WAL failed:', error instanceof Error ? error.message : error)
      }
      if ((this.moreWaiting || this.nudged) && failures === 0) continue
      await new Promise<void>((resolveSleep) => {
        const timer = setTimeout(resolveSleep, failures ? Math.min(5_000, 200 * 2 ** failures) : this.options.pollIntervalMs())
        this.wake = () => {
          clearTimeout(timer)
          resolveSleep()
        }
      })
    }
  }

  /** One round: skip when nothing new was flushed, else peek, deliver, advance. */
  private async poll(): Promise<void> {
    const recovering = this.recoveryEndsAt !== null
    if (recovering && Date.now() >= this.recoveryEndsAt!) await this.endRecovery()
    const [flush] = await this.sql<Array<{ lsn: string }>>`select pg_current_wal_flush_lsn()::text as lsn`
    if (!this.moreWaiting && flush!.lsn === this.lastFlushLsn) return
    this.lastFlushLsn = flush!.lsn
    // While a backlog is held the slot does not move, so every peek starts at the backlog again.
    const limit = this.recoveryEndsAt === null ? this.options.maxChanges : null
    const peekStarted = performance.now()
    const rows = await this.peek(limit)
    this.options.onPeek?.(performance.now() - peekStarted, rows.length)
    this.moreWaiting = limit !== null && rows.length >= limit
    let backlogSeen = false
    for (const transaction of groupTransactions(rows)) {
      const commit = lsnValue(transaction.commitLsn)
      if (commit <= this.processedLsn || commit <= this.confirmedLsn) continue
      const phase = commit <= this.startFlushLsn ? 'backlog' : 'live'
      if (phase === 'backlog' && transaction.changes.length > 0) backlogSeen = true
      await this.handlers.onTransaction(transaction, phase)
      this.processedLsn = commit
      this.processedLsnText = transaction.commitLsn
    }
    if (backlogSeen && this.recoveryEndsAt === null) this.recoveryEndsAt = Date.now() + this.options.recoveryWindowMs
    if (this.recoveryEndsAt === null) await this.advance()
  }

  private async endRecovery(): Promise<void> {
    this.recoveryEndsAt = null
    this.handlers.onRecoveryEnd?.()
    await this.advance()
  }

  private async advance(): Promise<void> {
    if (this.processedLsn <= this.confirmedLsn) return
    await this.sql`select pg_replication_slot_advance(${this.options.slotName}, ${this.processedLsnText}::pg_lsn)`
    this.confirmedLsn = this.processedLsn
  }

  private peek(limit: number | null): Promise<PeekRow[]> {
    // add-tables wants `schema.table` with space, quote, comma, period and asterisk escaped.
    return this.sql<PeekRow[]>`
      select c.lsn::text as lsn, d->>'action' as action, d->>'schema' as schema, d->>'table' as "table",
             d->>'timestamp' as timestamp,
             (select coalesce(json_agg(json_build_array(x->>'name', x->>'type', x->>'value') order by o), '[]')
                from jsonb_array_elements(d->'columns') with ordinality as e(x, o)) as columns,
             (select coalesce(json_agg(json_build_array(x->>'name', x->>'type', x->>'value') order by o), '[]')
                from jsonb_array_elements(d->'identity') with ordinality as e(x, o)) as identity,
             (select coalesce(json_agg(x->>'name' order by o), '[]')
                from jsonb_array_elements(d->'pk') with ordinality as e(x, o)) as pk
      from pg_logical_slot_peek_changes(
             ${this.options.slotName}, null, ${limit}::int,
             'format-version', '2', 'include-timestamp', 'true', 'include-pk', 'true',
             'actions', 'insert,update,delete',
             'add-tables', (
               select string_agg(name, ',') from (
                 select 'realtime.*' as name
                 union all
                 select regexp_replace(schemaname, ${wal2jsonSpecials}, '\\\\\\1', 'g') || '.' || regexp_replace(tablename, ${wal2jsonSpecials}, '\\\\\\1', 'g')
                 from pg_publication_tables where pubname = 'supabase_realtime'
               ) as tables)
           ) with ordinality as c(lsn, xid, data, n)
      cross join lateral (select c.data::jsonb as d) as decoded
      order by c.n`
  }
}
