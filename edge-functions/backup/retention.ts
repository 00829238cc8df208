// Retention after each successful run: private.backup_prunable decides (every run for 14 days,
// the last of each day for 90, the first full copy of each month for 3 years, each with the chain
// it depends on; file versions while a kept point saw them); this deletes from the bucket first
// and records the deletion after, so a crash in between only deletes again.
import type postgres from 'postgres'
import type { S3Client } from './s3.ts'

export interface PruneResult { runs: number, artefacts: number }

export async function prune(sql: postgres.Sql, s3: S3Client, at: Date = new Date()): Promise<PruneResult> {
  const rows = await sql<Array<{ run_id: string, key: string | null }>>`select run_id, key from private.backup_prunable(${at})`
  const keys = rows.flatMap(row => (row.key ? [row.key] : []))
  const runs = [...new Set(rows.filter(row => !row.key).map(row => row.run_id))]
  if (keys.length > 0) {
    await s3.delete(keys)
    await sql`update ops.backup_artefacts set state = 'deleted', deleted_at = now(), upload_id = null where key = any (string_to_array(${keys.join(',')}, ','))`
  }
  if (runs.length > 0) {
    await sql`update ops.backup_runs set pruned_at = now() where id = any (string_to_array(${runs.join(',')}, ',')::uuid[]) and pruned_at is null`
  }
  return { runs: runs.length, artefacts: keys.length }
}
