// The admins' backups view: overview, runs (keyset paged, filtered by status) and sizes through
// the admin-only RPCs, "Jetzt sichern" through request_backup; live through the private Realtime
// topic `backups` (a trigger on ops.backup_runs), so a started run shows its progress unasked.
import { errorMessageKey } from '~/utils/error-messages'

export interface BackupRun {
  id: string
  seq: number
  trigger: string
  status: 'queued' | 'running' | 'succeeded' | 'incomplete' | 'failed'
  kind: 'full' | 'incremental' | null
  requested_at: string
  finished_at: string | null
  bytes: number
  files_added: number | null
  db_changes: number | null
  error_code: string | null
}

export interface BackupOverview {
  configured: boolean
  schedule: string | null
  next_run_at: string | null
  last_success: { seq: number, kind: string, snapshot_at: string, bytes: number, manifest_sha256: string } | null
  active_run: { seq: number, status: string, step: string | null } | null
  stored_bytes: number
}

export interface BackupDay { day: string, stored_bytes: number | null, uploaded_bytes: number, runs: number, failed_runs: number }

const pageSize = 20

export function useBackups(status: Ref<string | null>) {
  const supabase = useSupabase()
  const overview = ref<BackupOverview | null>(null)
  const runs = ref<BackupRun[]>([])
  const days = ref<BackupDay[]>([])
  const loading = ref(true)
  const more = ref(false)
  const starting = ref(false)
  const errorKey = ref<string | null>(null)

  const fail = (error: unknown) => {
    errorKey.value = errorMessageKey(error)
  }

  async function load() {
    loading.value = true
    errorKey.value = null
    const client = await supabase()
    const [summary, list, sizes] = await Promise.all([
      client.rpc('backup_overview'),
      client.rpc('list_backup_runs', { only_status: status.value, max_count: pageSize }),
      client.rpc('backup_size_history', { days: 30 }),
    ])
    loading.value = false
    const failed = [summary, list, sizes].find(result => result.error)
    if (failed) return fail(failed.error)
    overview.value = summary.data as BackupOverview
    runs.value = list.data as BackupRun[]
    more.value = runs.value.length === pageSize
    days.value = sizes.data as BackupDay[]
  }

  async function loadMore() {
    const last = runs.value.at(-1)
    if (!last) return
    const { data, error } = await (await supabase()).rpc('list_backup_runs', { before_seq: last.seq, only_status: status.value, max_count: pageSize })
    if (error) return fail(error)
    runs.value = [...runs.value, ...(data as BackupRun[])]
    more.value = (data as BackupRun[]).length === pageSize
  }

  async function startNow() {
    if (starting.value) return
    starting.value = true
    errorKey.value = null
    const { error } = await (await supabase()).rpc('request_backup')
    starting.value = false
    if (error) return fail(error)
    await load()
  }

  // Every (re)join catches up with what the view missed; a changed run reloads it.
  useRealtimeTopic('backups', {
    onMessage: ({ event }) => {
      if (event === 'run_changed') void load()
    },
    onJoin: () => void load(),
  })
  watch(status, load)

  return { overview, runs, days, loading, more, starting, errorKey, load, loadMore, startNow }
}
