import { describe, expect, it } from 'vitest'
import { databaseMessage, messageOutbound } from './database-broadcasts.ts'
import { subscriptionId } from './postgres-changes.ts'
import { groupTransactions, lsnValue, walTimestamp } from './wal.ts'

const row = (lsn: string, action: 'B' | 'C' | 'I' | 'U' | 'D', extra: Record<string, unknown> = {}) =>
  ({ lsn, action, schema: null, table: null, timestamp: '2026-11-27 10:00:00.123456+00', columns: [], identity: [], pk: [], ...extra })

describe('WAL rows', () => {
  it('orders LSNs numerically', () => {
    expect(lsnValue('0/1B344F0') > lsnValue('0/1B34168')).toBe(true)
    expect(lsnValue('1/0') > lsnValue('0/FFFFFFFF')).toBe(true)
  })

  it('groups changes into committed transactions keyed by the commit LSN', () => {
    const transactions = groupTransactions([
      row('0/10', 'B'), row('0/20', 'C'),
      row('0/20', 'B'),
      row('0/28', 'I', { schema: 'public', table: 't', columns: [['id', 'bigint', '1']], pk: ['id'] }),
      row('0/30', 'D', { schema: 'public', table: 't', identity: [['id', 'bigint', '2']], pk: ['id'] }),
      row('0/40', 'C'),
    ])
    expect(transactions.map(transaction => transaction.commitLsn)).toEqual(['0/20', '0/40'])
    expect(transactions[1]!.changes.map(change => change.action)).toEqual(['INSERT', 'DELETE'])
    expect(transactions[1]!.changes[1]!.identity).toEqual([{ name: 'id', type: 'bigint', value: '2' }])
  })

  it('reads wal2json commit timestamps', () => {
    expect(new Date(walTimestamp('2026-11-27 10:00:00.123456+00')).toISOString()).toBe('2026-11-27T10:00:00.123Z')
    expect(new Date(walTimestamp('2026-11-27 11:00:00+01')).toISOString()).toBe('2026-11-27T10:00:00.000Z')
  })
})

describe('broadcasts from the database', () => {
  const insert = (columns: Array<[string, string, string | null]>, table = 'messages_default') =>
    groupTransactions([row('0/1', 'B'), row('0/2', 'I', { schema: 'realtime', table, columns }), row('0/3', 'C')])[0]!.changes[0]!

  it('takes inserted broadcast rows of any partition', () => {
    const change = insert([['topic', 'text', 'room'], ['extension', 'text', 'broadcast'], ['payload', 'jsonb', '{"a": 1}'], ['event', 'text', 'ev'], ['private', 'boolean', 'true'], ['id', 'uuid', 'u1'], ['binary_payload', 'bytea', null]], 'messages_2026_11_27')
    expect(databaseMessage(change)).toMatchObject({ id: 'u1', topic: 'room', event: 'ev', isPrivate: true, payloadJson: '{"a": 1}', binaryPayload: null })
  })

  it('sends the jsonb payload as it is, with the row id as meta, and binary payloads as kind-4 frames for 2.0.0 only', () => {
    const base = { id: 'u1', topic: 'room', event: 'ev', isPrivate: false, committedAt: 0 }
    const json = messageOutbound({ ...base, payloadJson: '{"n": 12345678901234567890}', binaryPayload: null }).frame('2.0.0')!
    expect(json.binary).toBe(false)
    expect(json.data.toString()).toBe('[null,null,"realtime:room","broadcast",{"payload":{"n": 12345678901234567890},"event":"ev","type":"broadcast","meta":{"id":"u1"}}]')
    const binary = messageOutbound({ ...base, payloadJson: null, binaryPayload: Buffer.from([1, 2]) })
    expect(binary.frame('2.0.0')).toMatchObject({ binary: true })
    expect(binary.frame('1.0.0')).toBeNull()
  })

  it('ignores presence rows and other tables', () => {
    expect(databaseMessage(insert([['topic', 'text', 'room'], ['extension', 'text', 'presence'], ['event', 'text', 'e'], ['id', 'uuid', 'u']]))).toBeNull()
    expect(databaseMessage(insert([['topic', 'text', 'room'], ['extension', 'text', 'broadcast'], ['event', 'text', 'e'], ['id', 'uuid', 'u']], 'subscription'))).toBeNull()
  })
})

describe('postgres_changes ids', () => {
  it('are stable 27-bit integers that differ between params', () => {
    const a = subscriptionId({ event: '*', schema: 'public', table: 't' })
    expect(subscriptionId({ table: 't', schema: 'public', event: '*' })).toBe(a)
    expect(subscriptionId({ event: 'INSERT', schema: 'public', table: 't' })).not.toBe(a)
    expect(a).toBeLessThan(2 ** 27)
  })
})
