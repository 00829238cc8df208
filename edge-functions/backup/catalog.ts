// What a backup covers, read from the catalog in the run's snapshot: every table of the schemas the
// portal's data lives in, with the columns a restore loads (generated ones are computed again).
// Left out on purpose: Auth's and Storage's own migration bookkeeping and upload state, and this
// server's backup state (ops.backup_*), which describes its own chain and bucket.
import type postgres from 'postgres'

export interface TableInfo {
  schema: string
  table: string
  /** Quoted `schema.table`. */
  relation: string
  columns: string[]
  types: string[]
}

export const coveredSchemas = ['public', 'private', 'ops', 'auth', 'storage', 'supabase_migrations'] as const

/** The part of the catalog query that decides which tables a backup covers (also used by tests). */
export function isCovered(schema: string, table: string): boolean {
  if (!(coveredSchemas as readonly string[]).includes(schema)) return false
  if (schema === 'ops') return !table.startsWith('backup_')
  if (schema === 'auth') return table !== 'schema_migrations'
  if (schema === 'storage') return table === 'buckets' || table === 'objects'
  if (schema === 'supabase_migrations') return table === 'schema_migrations'
  return true
}

export async function coveredTables(sql: postgres.Sql | postgres.TransactionSql): Promise<TableInfo[]> {
  const rows = await sql<Array<{ schema: string, table: string, relation: string, columns: string[], types: string[] }>>`
    select n.nspname as schema, c.relname as table, format('%I.%I', n.nspname, c.relname) as relation,
           json_agg(a.attname::text order by a.attnum) as columns,
           json_agg(format_type(a.atttypid, a.atttypmod) order by a.attnum) as types
      from pg_catalog.pg_class as c
      join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
      join pg_catalog.pg_attribute as a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
     where c.relkind in ('r', 'p') and not c.relispartition and n.nspname = any (string_to_array(${coveredSchemas.join(',')}, ','))
     group by n.nspname, c.relname, c.oid
     order by n.nspname, c.relname`
  return rows.filter(row => isCovered(row.schema, row.table)).map(row => ({ ...row }))
}

/** The schema as a restore depends on it: tables, columns, types. A change starts a new full copy. */
export async function schemaFingerprint(tables: TableInfo[]): Promise<string> {
  const text = JSON.stringify(tables.map(table => [table.relation, table.columns, table.types]))
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return Array.from(new Uint8Array(digest), byte => byte.toString(16).padStart(2, '0')).join('')
}

export async function migrationVersion(sql: postgres.Sql | postgres.TransactionSql): Promise<string> {
  const [row] = await sql<Array<{ version: string | null }>>`
    select case when to_regclass('supabase_migrations.schema_migrations') is null then null
                else (select max(version) from supabase_migrations.schema_migrations) end as version`
  return row?.version ?? ''
}

export interface TableChecksum { relation: string, rows: number, checksum: string }

/** private.backup_table_checksum for each table, inside the caller's snapshot. */
export async function tableChecksums(sql: postgres.Sql | postgres.TransactionSql, tables: TableInfo[]): Promise<TableChecksum[]> {
  const result: TableChecksum[] = []
  for (const table of tables) {
    const [row] = await sql<Array<{ row_count: string, checksum: string }>>`
      select row_count::text, checksum from private.backup_table_checksum(${table.relation}::regclass)`
    result.push({ relation: table.relation, rows: Number(row!.row_count), checksum: row!.checksum })
  }
  return result
}

export interface SequenceValue { sequence: string, value: string | null, called: boolean }

export async function sequenceValues(sql: postgres.Sql | postgres.TransactionSql): Promise<SequenceValue[]> {
  return await sql<SequenceValue[]>`
    select format('%I.%I', s.schemaname, s.sequencename) as sequence, s.last_value::text as value, s.last_value is not null as called
      from pg_catalog.pg_sequences as s
     where s.schemaname = any (string_to_array(${coveredSchemas.join(',')}, ','))
     order by 1`
}
