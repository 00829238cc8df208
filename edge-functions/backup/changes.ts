// The incremental part of the database: exactly the transactions that committed between two runs'
// snapshots, read from the logical replication slot `portal_backup` (wal2json) with peek, so
// nothing is consumed before the off-site copy is confirmed.
//
// Each run takes one snapshot (pg_current_snapshot() in a repeatable-read transaction). A
// transaction in the slot belongs to run n when it is visible in run n's snapshot and was not in
// run n-1's. That makes every point exact even though the slot position and a snapshot never line
// up: what the previous point already holds is skipped, what this point cannot see yet (committed
// after its snapshot) stays in the slot for the next run. The slot is advanced only past a gap-free
// prefix of decided transactions, and only after the run's success is committed; advancing is an
// optimisation (WAL retention), never needed for correctness.
import type postgres from 'postgres'
import { coveredSchemas } from './catalog.ts'

export const slotName = 'portal_backup'

/** A pg_snapshot (`xmin:xmax:xip,…`, 64-bit transaction ids). */
export interface Snapshot { xmin: bigint, xmax: bigint, inProgress: Set<bigint> }

export function parseSnapshot(text: string): Snapshot {
  const match = /^(\d+):(\d+):([\d,]*)$/.exec(text)
  if (!match) throw new Error(`not a pg_snapshot: ${text}`)
  return {
    xmin: BigInt(match[1]!),
    xmax: BigInt(match[2]!),
    inProgress: new Set(match[3] ? match[3].split(',').map(id => BigInt(id)) : []),
  }
}

const epochSize = 1n << 32n

/** wal2json reports 32-bit xids; widen one to 64 bits next to a snapshot (no run spans 2^31 xids). */
export function widenXid(xid: number | bigint, near: Snapshot): bigint {
  const low = BigInt(xid)
  let full = (near.xmax & ~(epochSize - 1n)) | low
  if (full > near.xmax + epochSize / 2n) full -= epochSize
  else if (full < near.xmax - epochSize / 2n) full += epochSize
  return full
}

/** Committed and visible in the snapshot (pg_visible_in_snapshot for committed transactions). */
export function visibleIn(snapshot: Snapshot, xid: bigint): boolean {
  return xid < snapshot.xmin || (xid < snapshot.xmax && !snapshot.inProgress.has(xid))
}

export type Decision = 'skip' | 'include' | 'defer'

/** Skip what the previous point holds, include what this point sees, defer the rest. */
export function decide(xid32: number, current: Snapshot, previous: Snapshot | null): Decision {
  const xid = widenXid(xid32, current)
  if (previous && visibleIn(previous, xid)) return 'skip'
  return visibleIn(current, xid) ? 'include' : 'defer'
}

export interface Change {
  /** I insert, U update, D delete, T truncate. */
  action: 'I' | 'U' | 'D' | 'T'
  relation: string
  /** New row's values as text (I, U). */
  columns?: Record<string, string | null>
  /** Old row's key (U, D). */
  key?: Record<string, string | null>
}

export interface PeekRow {
  lsn: string
  action: 'B' | 'C' | 'I' | 'U' | 'D' | 'T'
  xid: number | null
  /** `schema.table`, quoted where SQL needs it (format('%I.%I')), as the catalog names it. */
  relation: string | null
  columns: Record<string, string | null> | null
  identity: Record<string, string | null> | null
  pk: string[] | null
}

export interface ChangeSummary {
  transactions: number
  changes: number
  /** Past the last transaction of the gap-free decided prefix, or null when nothing can be released. */
  advanceLsn: string | null
}

/**
 * Turns peeked rows (commit order) into this run's changes, line by line. `covered` names the
 * tables (quoted `schema.table`) a backup holds; changes to others are dropped.
 */
export async function* selectChanges(
  rows: AsyncIterable<PeekRow[]>, current: Snapshot, previous: Snapshot | null, covered: Set<string>, summary: ChangeSummary,
): AsyncGenerator<Change[]> {
  let decision: Decision = 'defer'
  let deferredSeen = false
  for await (const batch of rows) {
    const out: Change[] = []
    for (const row of batch) {
      if (row.action === 'B') {
        decision = decide(row.xid!, current, previous)
        if (decision === 'include') summary.transactions++
        continue
      }
      if (row.action === 'C') {
        if (decision === 'defer') deferredSeen = true
        else if (!deferredSeen) summary.advanceLsn = row.lsn
        continue
      }
      if (decision !== 'include') continue
      const relation = row.relation!
      if (!covered.has(relation)) continue
      const keyNames = row.pk ?? []
      const key = row.identity && Object.keys(row.identity).length > 0
        ? row.identity
        : Object.fromEntries(keyNames.map(name => [name, row.columns?.[name] ?? null]))
      if (row.action === 'I') out.push({ action: 'I', relation, columns: row.columns ?? {} })
      else if (row.action === 'U') out.push({ action: 'U', relation, columns: row.columns ?? {}, key })
      else if (row.action === 'D') out.push({ action: 'D', relation, key })
      else out.push({ action: 'T', relation })
    }
    summary.changes += out.length
    yield out
  }
}

/** Creates the slot when it is missing; true when it had to be created (the chain starts anew). */
export async function ensureSlot(sql: postgres.Sql): Promise<boolean> {
  const [slot] = await sql`select 1 from pg_catalog.pg_replication_slots where slot_name = ${slotName}`
  if (slot) return false
  await sql`select pg_catalog.pg_create_logical_replication_slot(${slotName}, 'wal2json')`
  return true
}

/** Waits until the WAL up to `lsn` is flushed, so a peek sees every transaction a snapshot saw. */
export async function waitForFlush(sql: postgres.Sql, lsn: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const [row] = await sql<Array<{ flushed: boolean }>>`select pg_catalog.pg_current_wal_flush_lsn() >= ${lsn}::pg_lsn as flushed`
    if (row!.flushed) return
    await new Promise(resolveWait => setTimeout(resolveWait, 50))
  }
  throw new Error(`the WAL was not flushed up to ${lsn} within 10 s`)
}

/**
 * The slot's committed transactions up to `uptoLsn`, peeked (not consumed), decoded into text
 * values in SQL (wal2json prints numbers unquoted and bytea as bare hex; both become the types'
 * input text here), in batches.
 */
export function peekChanges(sql: postgres.Sql, uptoLsn: string, batchSize = 1000): AsyncIterable<PeekRow[]> {
  const tables = coveredSchemas.map(schema => `${schema}.*`).join(',')
  return sql<PeekRow[]>`
    select c.lsn::text as lsn, d->>'action' as action, (d->>'xid')::bigint as xid,
           case when d ? 'table' then format('%I.%I', d->>'schema', d->>'table') end as relation,
           (select jsonb_object_agg(x->>'name', case when x->>'type' = 'bytea' then '\\x' || (x->>'value') else x->>'value' end)
              from jsonb_array_elements(d->'columns') as x) as columns,
           (select jsonb_object_agg(x->>'name', case when x->>'type' = 'bytea' then '\\x' || (x->>'value') else x->>'value' end)
              from jsonb_array_elements(d->'identity') as x) as identity,
           (select jsonb_agg(x->>'name') from jsonb_array_elements(d->'pk') as x) as pk
      from pg_catalog.pg_logical_slot_peek_changes(${slotName}, ${uptoLsn}::pg_lsn, null,
             'format-version', '2', 'include-xids', 'true', 'include-pk', 'true',
             'actions', 'insert,update,delete,truncate', 'add-tables', ${tables}) with ordinality as c(lsn, xid, data, n)
      cross join lateral (select c.data::jsonb as d) as decoded
     order by c.n`.cursor(batchSize)
}

/** Releases WAL the slot no longer needs (after a committed success). Never moves backwards. */
export async function advanceSlot(sql: postgres.Sql, lsn: string): Promise<void> {
  await sql`
    select pg_catalog.pg_replication_slot_advance(${slotName}, ${lsn}::pg_lsn)
     where (select confirmed_flush_lsn from pg_catalog.pg_replication_slots where slot_name = ${slotName}) < ${lsn}::pg_lsn`
}
