// postgres_changes as Realtime's postgres_cdc_rls extension delivers them (realtime.apply_rls):
// for each decoded change of a table in the `supabase_realtime` publication and each subscriber,
// filters are evaluated on the changed row, and when the table has RLS enabled and the change is
// an INSERT or UPDATE the row is selected again by primary key as the subscriber's role with its
// claims, so only subscribers who may see it get it. Subscribers only see the columns their role
// may SELECT. DELETE events are not RLS-checked (as on Supabase); with RLS on, their old_record
// is cut down to the primary key. All type handling (casts, comparisons, JSON of typed values)
// happens in Postgres.
import type { Sql } from 'postgres'
import { asCaller, type Claims } from './authorization.ts'
import { parseFilter, sqlOperators, type Filter } from './filters.ts'
import { encodeText, type Vsn } from './protocol.ts'
import { walTimestamp, type WalChange, type WalColumn } from './wal.ts'

/** What a subscriber is (a channel). */
export interface ChangeListener {
  readonly topic: string
  readonly claims: Claims
  readonly vsn: Vsn
  send: (frame: string | Buffer) => void
}

const events = ['*', 'INSERT', 'UPDATE', 'DELETE'] as const

interface Subscription {
  id: number
  event: typeof events[number]
  schema: string
  /** null: every table of the schema */
  table: string | null
  filters: Filter[]
}

interface TableColumn {
  name: string
  /** pg_type.typname, what realtime-js converts by (`int8`, `_text`, `timestamptz`). */
  type: string
  /** The type as a quoted cast target, e.g. `"pg_catalog"."int8"`. */
  cast: string
}

interface TableInfo {
  oid: number
  rls: boolean
  columns: TableColumn[]
}

export interface SubscribeResult {
  /** The client's postgres_changes with an integer `id` each, in join order. */
  echo: Array<Record<string, unknown>>
  /** undefined: nothing asked; null: subscribed; text: why not (sent as a system message). */
  error?: string | null
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`

/** A stable 27-bit id for a subscription's params, like Realtime's :erlang.phash2. */
export function subscriptionId(params: Record<string, unknown>): number {
  const canonical = JSON.stringify(params, Object.keys(params).sort())
  let hash = 0x811C9DC5
  for (const byte of Buffer.from(canonical)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0
  return hash & 0x7FFFFFF
}

function describeParams(params: Record<string, unknown>, filters: Filter[]): string {
  return `[event: ${params.event}, schema: ${params.schema}, table: ${params.table ?? '*'}, filters: [${filters.map(f => `{${f.column}, ${f.operator}, ${f.value}}`).join(', ')}]]`
}

export class PostgresChanges {
  private readonly sql: Sql
  private readonly subscriptions = new Map<ChangeListener, Subscription[]>()

  constructor(sql: Sql) {
    this.sql = sql
  }

  get size(): number {
    return this.subscriptions.size
  }

  /** Registers the join's `config.postgres_changes` for the listener (all or none). */
  async subscribe(listener: ChangeListener, list: unknown): Promise<SubscribeResult> {
    const entries = (Array.isArray(list) ? list : []).filter((entry): entry is Record<string, unknown> => !!entry && typeof entry === 'object')
    const echo = entries.map(params => ({ ...params, id: subscriptionId(params) }))
    if (entries.length === 0) return { echo }
    const subscriptions: Subscription[] = []
    for (const params of echo) {
      const result = await this.validate(params)
      if (typeof result === 'string') return { echo, error: result }
      subscriptions.push(result)
    }
    this.subscriptions.set(listener, subscriptions)
    return { echo, error: null }
  }

  unsubscribe(listener: ChangeListener): void {
    this.subscriptions.delete(listener)
  }

  private async validate(params: Record<string, unknown> & { id: number }): Promise<Subscription | string> {
    const parsed = parseFilter(typeof params.filter === 'string' ? params.filter : undefined)
    if (!parsed.ok) return parsed.error
    const unable = `Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: ${describeParams(params, parsed.filters)}`
    const event = events.find(known => known === String(params.event ?? '').toUpperCase())
    const schema = typeof params.schema === 'string' ? params.schema : null
    const table = typeof params.table === 'string' && params.table !== '*' ? params.table : null
    if (!event || !schema) return unable
    if (table === null) return parsed.filters.length ? unable : { id: params.id, event, schema, table, filters: [] }
    const info = await this.tableInfo(schema, table)
    if (!info) return unable
    // Realtime's subscription check casts each filter value to its column's type up front.
    for (const filter of parsed.filters) {
      const column = info.columns.find(candidate => candidate.name === filter.column)
      if (!column) return `${unable}: invalid column for filter ${filter.column}`
      if (filter.value === null) continue
      try {
        await this.sql.unsafe(`select $1::text::${column.cast}${filter.operator === 'in' ? '[]' : ''}`, [filter.value])
      }
      catch (error) {
        return `${unable}: ${(error as Error).message}`
      }
    }
    return { id: params.id, event, schema, table, filters: parsed.filters }
  }

  private async tableInfo(schema: string, table: string): Promise<TableInfo | null> {
    const [info] = await this.sql<TableInfo[]>`
      select c.oid::int as oid, c.relrowsecurity as rls,
             json_agg(json_build_object('name', a.attname, 'type', t.typname,
                                        'cast', format('%I.%I', tn.nspname, t.typname)) order by a.attnum) as columns
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      join pg_type t on t.oid = a.atttypid
      join pg_namespace tn on tn.oid = t.typnamespace
      where n.nspname = ${schema} and c.relname = ${table}
      group by c.oid, c.relrowsecurity`
    return info ?? null
  }

  /** Delivers one decoded change to the subscribers allowed to see it. */
  async handle(change: WalChange): Promise<void> {
    const candidates: Array<{ listener: ChangeListener, subscription: Subscription }> = []
    for (const [listener, subscriptions] of this.subscriptions) {
      for (const subscription of subscriptions) {
        if (subscription.schema !== change.schema) continue
        if (subscription.table !== null && subscription.table !== change.table) continue
        if (subscription.event !== '*' && subscription.event !== change.action) continue
        candidates.push({ listener, subscription })
      }
    }
    if (candidates.length === 0) return
    const table = await this.tableInfo(change.schema, change.table)
    if (!table) return
    const newValues = change.action === 'DELETE' ? [] : change.columns
    const oldValues = change.action === 'INSERT' ? [] : change.identity
    const passing = await this.passingFilters(candidates, change.action === 'DELETE' ? oldValues : newValues, table)
    if (passing.length === 0) return
    const { record, oldRecord } = await this.typedRecords(change, table, newValues, oldValues)

    const byClaims = new Map<string, typeof passing>()
    for (const candidate of passing) {
      const key = JSON.stringify(candidate.listener.claims)
      byClaims.set(key, [...byClaims.get(key) ?? [], candidate])
    }
    for (const group of byClaims.values()) {
      const claims = group[0]!.listener.claims
      const data = await this.dataFor(claims, change, table, record, oldRecord, newValues)
      if (!data) continue
      const dataJson = JSON.stringify(data)
      const idsByListener = new Map<ChangeListener, number[]>()
      for (const { listener, subscription } of group) idsByListener.set(listener, [...idsByListener.get(listener) ?? [], subscription.id])
      for (const [listener, ids] of idsByListener) {
        listener.send(encodeText(listener.vsn, null, null, listener.topic, 'postgres_changes', `{"ids":${JSON.stringify(ids)},"data":${dataJson}}`))
      }
    }
  }

  /** The payload `data` for one subscriber role and claims, or null when RLS hides the row. */
  private async dataFor(claims: Claims, change: WalChange, table: TableInfo, record: Record<string, unknown>, oldRecord: Record<string, unknown>, newValues: WalColumn[]): Promise<Record<string, unknown> | null> {
    const selectable = await this.selectableColumns(claims.role, table)
    const errors: string[] = []
    if (change.primaryKey.length === 0) errors.push('Error 400: Bad Request, no primary key')
    else if (!change.primaryKey.every(name => selectable.has(name))) errors.push('Error 401: Unauthorized')
    if (errors.length === 0 && table.rls && change.action !== 'DELETE' && !await this.visibleTo(claims, change, table, newValues)) return null
    // Without a checkable primary key nothing of the row is shown (errors only).
    const pick = (values: Record<string, unknown>, allowed: (name: string) => boolean) =>
      errors.length ? {} : Object.fromEntries(Object.entries(values).filter(([name]) => selectable.has(name) && allowed(name)))
    const data: Record<string, unknown> = {
      schema: change.schema,
      table: change.table,
      commit_timestamp: new Date(walTimestamp(change.commitTimestamp)).toISOString(),
      type: change.action,
      columns: table.columns.filter(column => selectable.has(column.name)).map(({ name, type }) => ({ name, type })),
    }
    if (change.action !== 'DELETE') data.record = pick(record, () => true)
    if (change.action !== 'INSERT') {
      const oldAllowed = table.rls && change.action === 'DELETE' ? (name: string) => change.primaryKey.includes(name) : () => true
      data.old_record = pick(oldRecord, oldAllowed)
    }
    data.errors = errors.length ? errors : null
    return data
  }

  private async selectableColumns(role: string, table: TableInfo): Promise<Set<string>> {
    try {
      const rows = await this.sql<Array<{ name: string }>>`
        select a.attname as name from pg_attribute a
        where a.attrelid = ${table.oid} and a.attnum > 0 and not a.attisdropped
          and has_column_privilege(${role}, a.attrelid, a.attname, 'SELECT')`
      return new Set(rows.map(row => row.name))
    }
    catch {
      return new Set() // e.g. a role that does not exist
    }
  }

  /** Realtime's prepared statement: does the row exist for this subscriber under RLS? */
  private async visibleTo(claims: Claims, change: WalChange, table: TableInfo, newValues: WalColumn[]): Promise<boolean> {
    const conditions: string[] = []
    const values: Array<string | null> = []
    for (const name of change.primaryKey) {
      const column = table.columns.find(candidate => candidate.name === name)
      if (!column) return false
      values.push(newValues.find(value => value.name === name)?.value ?? null)
      conditions.push(`${quoteIdent(name)} = $${values.length}::text::${column.cast}`)
    }
    const query = `select exists(select 1 from ${quoteIdent(change.schema)}.${quoteIdent(change.table)} where ${conditions.join(' and ')}) as visible`
    try {
      return await asCaller(this.sql, { topic: '', claims, headers: {} }, async (conn) => {
        const [row] = await conn.unsafe<Array<{ visible: boolean }>>(query, values)
        return row?.visible === true
      })
    }
    catch {
      return false // no privilege on the table, a policy that fails: not visible
    }
  }

  /** Which candidates pass their filters, evaluated on the changed row's values in one query. */
  private async passingFilters<T extends { subscription: Subscription }>(candidates: T[], values: WalColumn[], table: TableInfo): Promise<T[]> {
    const params: Array<string | null> = []
    const expressions = candidates.map(({ subscription }) => {
      const conditions = subscription.filters.flatMap((filter) => {
        const value = values.find(candidate => candidate.name === filter.column)
        const column = table.columns.find(candidate => candidate.name === filter.column)
        // A column the change does not carry (a DELETE's non-key column) passes, as in Realtime.
        if (!value || !column) return []
        if (filter.operator === 'isnull') return [value.value === null ? 'true' : 'false']
        if (filter.operator === 'notnull') return [value.value === null ? 'false' : 'true']
        params.push(value.value, filter.value)
        const left = `$${params.length - 1}::text::${column.cast}`
        const right = `$${params.length}::text::${column.cast}${filter.operator === 'in' ? '[]' : ''}`
        return [filter.operator === 'in' ? `coalesce(${left} = any(${right}), false)` : `coalesce(${left} ${sqlOperators[filter.operator]} ${right}, false)`]
      })
      return conditions.length ? conditions.join(' and ') : 'true'
    })
    if (expressions.every(expression => expression === 'true')) return candidates
    try {
      const [row] = await this.sql.unsafe<Array<Record<string, boolean>>>(`select ${expressions.map((expression, index) => `${expression} as f${index}`).join(', ')}`, params)
      return candidates.filter((_, index) => row?.[`f${index}`] === true)
    }
    catch (error) {
      console.error('[realtime] evaluating postgres_changes filters failed:', (error as Error).message)
      return []
    }
  }

  /** The row values as Realtime's realtime.cast gives them: to_jsonb of each value in its column type. */
  private async typedRecords(change: WalChange, table: TableInfo, newValues: WalColumn[], oldValues: WalColumn[]): Promise<{ record: Record<string, unknown>, oldRecord: Record<string, unknown> }> {
    const asJsonInput = (values: WalColumn[]) => JSON.stringify(Object.fromEntries(values.map(({ name, type, value }) =>
      // json/jsonb arrive as their text; populate_record takes them as JSON, everything else as text
      [name, value !== null && (type === 'json' || type === 'jsonb') ? JSON.parse(value) as unknown : value])))
    const target = `null::${quoteIdent(change.schema)}.${quoteIdent(change.table)}`
    const [row] = await this.sql.unsafe<Array<{ record: Record<string, unknown>, old_record: Record<string, unknown> }>>(
      `select to_jsonb(n) as record, to_jsonb(o) as old_record
       from jsonb_populate_record(${target}, $1::text::jsonb) n, jsonb_populate_record(${target}, $2::text::jsonb) o`,
      [asJsonInput(newValues), asJsonInput(oldValues)],
    )
    const present = (values: WalColumn[], typed: Record<string, unknown> | undefined) =>
      Object.fromEntries(values.filter(value => table.columns.some(column => column.name === value.name)).map(value => [value.name, typed?.[value.name] ?? null]))
    return { record: present(newValues, row?.record), oldRecord: present(oldValues, row?.old_record) }
  }
}
