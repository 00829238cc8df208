import assert from 'node:assert/strict'
import { type ChangeSummary, decide, parseSnapshot, type PeekRow, selectChanges, visibleIn, widenXid } from './changes.ts'

Deno.test('a snapshot sees transactions below xmin and those below xmax it does not list as running', () => {
  const snapshot = parseSnapshot('100:110:103,107')
  assert.equal(visibleIn(snapshot, 99n), true)
  assert.equal(visibleIn(snapshot, 105n), true)
  assert.equal(visibleIn(snapshot, 103n), false)
  assert.equal(visibleIn(snapshot, 110n), false)
  assert.throws(() => parseSnapshot('not a snapshot'))
})

Deno.test('32-bit xids from wal2json widen next to the snapshot, across an epoch boundary too', () => {
  const epoch = 1n << 32n
  const near = parseSnapshot(`${epoch + 5n}:${epoch + 10n}:`)
  assert.equal(widenXid(7, near), epoch + 7n)
  assert.equal(widenXid(0xFFFF_FFF0, near), epoch - 16n)
})

Deno.test('a transaction is skipped when the previous point saw it, included when only this one does, deferred otherwise', () => {
  const previous = parseSnapshot('100:100:')
  const current = parseSnapshot('200:205:202')
  assert.equal(decide(99, current, previous), 'skip')
  assert.equal(decide(150, current, previous), 'include')
  assert.equal(decide(202, current, previous), 'defer')
  assert.equal(decide(206, current, previous), 'defer')
})

const tx = (xid: number, lsn: string, changes: Array<Partial<PeekRow>>): PeekRow[] => [
  { lsn, action: 'B', xid, relation: null, columns: null, identity: null, pk: null },
  ...changes.map(change => ({ lsn, xid, relation: 'public.notes', columns: null, identity: null, pk: ['id'], ...change }) as PeekRow),
  { lsn: `${lsn}-end`, action: 'C', xid, relation: null, columns: null, identity: null, pk: null },
]

async function collect(rows: PeekRow[], current: string, previous: string | null) {
  const summary: ChangeSummary = { transactions: 0, changes: 0, advanceLsn: null }
  const changes = []
  const source = (async function* () {
    yield rows
  })()
  for await (const batch of selectChanges(source, parseSnapshot(current), previous ? parseSnapshot(previous) : null, new Set(['public.notes']), summary)) changes.push(...batch)
  return { changes, summary }
}

Deno.test('the changes of included transactions come out in commit order, deletes and keys included', async () => {
  const rows = [
    ...tx(90, 'a', [{ action: 'I', columns: { id: '1', body: 'old' } }]),
    ...tx(150, 'b', [
      { action: 'U', columns: { id: '2', body: 'new' }, identity: { id: '2' } },
      { action: 'D', identity: { id: '3' } },
      { action: 'I', relation: 'ops.backup_runs', columns: { id: 'x' } },
    ]),
    ...tx(160, 'c', [{ action: 'T' }]),
  ]
  const { changes, summary } = await collect(rows, '200:200:', '100:100:')
  assert.deepEqual(changes, [
    { action: 'U', relation: 'public.notes', columns: { id: '2', body: 'new' }, key: { id: '2' } },
    { action: 'D', relation: 'public.notes', key: { id: '3' } },
    { action: 'T', relation: 'public.notes' },
  ])
  assert.equal(summary.transactions, 2)
  assert.equal(summary.advanceLsn, 'c-end')
})

Deno.test('an update without an identity is keyed by the primary key of its new row', async () => {
  const { changes } = await collect(tx(150, 'b', [{ action: 'U', columns: { id: '7', body: 'x' } }]), '200:200:', '100:100:')
  assert.deepEqual(changes[0]!.key, { id: '7' })
})

Deno.test('the slot may move only up to the last transaction before the first deferred one', async () => {
  const rows = [
    ...tx(150, 'a', [{ action: 'I', columns: { id: '1' } }]),
    ...tx(202, 'b', [{ action: 'I', columns: { id: '2' } }]),
    ...tx(160, 'c', [{ action: 'I', columns: { id: '3' } }]),
  ]
  const { changes, summary } = await collect(rows, '200:205:202', '100:100:')
  assert.deepEqual(changes.map(change => change.columns!.id), ['1', '3'])
  assert.equal(summary.advanceLsn, 'a-end')
})
