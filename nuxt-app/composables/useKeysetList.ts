// A list read page by page through a keyset cursor (the last row's sort key, never an offset),
// with the states every list shows: loading, ready (rows or empty), error with retry. `refresh`
// re-reads what is on screen after a live change, keeping rows loaded beyond the first pages.
// Only the newest request's answer is applied, so a slow old answer never overwrites a new one.
import { errorMessageKey } from '~/utils/error-messages'

export type ListStatus = 'loading' | 'ready' | 'error'

export interface PageAnswer<Row> { rows: Row[], error: unknown }

export interface KeysetListOptions<Row, Cursor> {
  /** Rows after `cursor` (null: from the start), at most `limit`. */
  fetchPage: (cursor: Cursor | null, limit: number) => Promise<PageAnswer<Row>>
  cursorOf: (row: Row) => Cursor
  keyOf: (row: Row) => string
  pageSize?: number
}

/** The most rows one refresh re-reads (the RPCs' limit). */
const refreshLimit = 100

export function useKeysetList<Row, Cursor>(options: KeysetListOptions<Row, Cursor>) {
  const pageSize = options.pageSize ?? 25
  const rows = shallowRef<Row[]>([])
  const status = ref<ListStatus>('loading')
  const errorKey = ref<string | null>(null)
  const hasMore = ref(false)
  const loadingMore = ref(false)
  let generation = 0

  function failed(error: unknown) {
    errorKey.value = errorMessageKey(error)
    status.value = 'error'
  }

  /** From the start (first load, changed filters, retry). */
  async function reload() {
    const mine = ++generation
    status.value = 'loading'
    errorKey.value = null
    const answer = await options.fetchPage(null, pageSize)
    if (mine !== generation) return
    if (answer.error) return failed(answer.error)
    rows.value = answer.rows
    hasMore.value = answer.rows.length === pageSize
    status.value = 'ready'
  }

  async function loadMore() {
    const last = rows.value.at(-1)
    if (!last || loadingMore.value || !hasMore.value) return
    const mine = generation
    loadingMore.value = true
    const answer = await options.fetchPage(options.cursorOf(last), pageSize)
    loadingMore.value = false
    if (mine !== generation) return
    if (answer.error) {
      errorKey.value = errorMessageKey(answer.error)
      return
    }
    const known = new Set(rows.value.map(options.keyOf))
    rows.value = [...rows.value, ...answer.rows.filter(row => !known.has(options.keyOf(row)))]
    hasMore.value = answer.rows.length === pageSize
  }

  /** Re-reads the rows on screen (up to 100) in the database's current order; quiet on failure. */
  async function refresh() {
    if (status.value !== 'ready') return reload()
    const mine = ++generation
    const limit = Math.min(refreshLimit, Math.max(pageSize, rows.value.length))
    const answer = await options.fetchPage(null, limit)
    if (mine !== generation || answer.error) return
    const fresh = new Set(answer.rows.map(options.keyOf))
    const beyond = rows.value.length > limit ? rows.value.slice(limit).filter(row => !fresh.has(options.keyOf(row))) : []
    rows.value = [...answer.rows, ...beyond]
    if (beyond.length === 0) hasMore.value = answer.rows.length === limit
  }

  /** Changes rows in place (e.g. a live "seen" that needs no request). */
  const mapRows = (change: (row: Row) => Row) => (rows.value = rows.value.map(change))

  return { rows, status, errorKey, hasMore, loadingMore, reload, loadMore, refresh, mapRows }
}
