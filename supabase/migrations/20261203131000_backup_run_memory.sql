-- Backups: each successful run records the peak memory its function used (V8 heap plus the
-- external memory of ArrayBuffers, as Deno.memoryUsage() reports them, sampled while it ran), so
-- an operator sees how close a run comes to the edge runtime's memory limit (256 MB hosted) and
-- bench/backup reports the same figure the runtime limits.

alter table ops.backup_runs add column peak_memory_bytes bigint check (peak_memory_bytes >= 0);
comment on column ops.backup_runs.peak_memory_bytes is
  'Peak heap + external memory of the backup function during a successful run (null: not measured, or the run did not succeed).';
