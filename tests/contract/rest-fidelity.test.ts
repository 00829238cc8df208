// Where PostgREST v14 answers in its own way, through postgrest-js: row ranges (limit/offset and
// the Range header as RangeQuery.hs reads them), function resolution (findProc: unnamed parameters,
// overloads with defaults), embedding (findRel: self references, foreign key columns, hints, views
// with LIMIT, computed relationships, the same destination twice) and the transaction and plan
// preferences the in-database configuration switches on.
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyFixture, rest, restFixture, waitForRestTable } from '../helpers/fixtures.ts'
import { testEnv } from '../helpers/env.ts'
import { anonClient, closeDb, db, serviceClient } from '../helpers/personas.ts'
import { waitFor } from '../helpers/wait.ts'

const api = anonClient()

beforeAll(async () => {
  // The rollback test writes contract_items of the main REST fixture: never rely on another file
  // having applied it first.
  await restFixture()
  await applyFixture('rest-fidelity')
  await waitForRestTable('contract_f_recent_posts')
})
afterAll(closeDb)

describe('row ranges', () => {
  const ids = async (query: string, headers: Record<string, string> = {}) => {
    const answer = await rest(`/contract_f_folders?select=id&order=id${query}`, { headers })
    return { status: answer.status, ids: Array.isArray(answer.json) ? (answer.json as Array<{ id: number }>).map(row => row.id) : answer.json }
  }

  it('reads limit and offset as Haskell reads an Integer, ignoring what is none', async () => {
    expect(await ids('&limit=abc')).toEqual({ status: 200, ids: [1, 2, 3, 4] })
    expect(await ids('&limit=0x2')).toEqual({ status: 200, ids: [1, 2] })
    expect(await ids('&limit=%20(3)%20')).toEqual({ status: 200, ids: [1, 2, 3] })
  })

  it('treats a negative offset as none, but not where it makes the range empty', async () => {
    expect(await ids('&offset=-5')).toEqual({ status: 200, ids: [1, 2, 3, 4] })
    expect(await ids('&offset=-1&limit=3')).toEqual({ status: 200, ids: [1, 2] })
    expect(await ids('&offset=-1&limit=1')).toEqual({ status: 200, ids: [] })
    const empty = await ids('&offset=-5&limit=2')
    expect(empty).toEqual({ status: 416, ids: { code: 'PGRST103', details: 'Limit should be greater than or equal to zero.', hint: null, message: 'Requested range not satisfiable' } })
  })

  it('reads the Range header only as N-M or N-, and only on GET', async () => {
    expect(await ids('', { Range: 'a-b' })).toEqual({ status: 200, ids: [1, 2, 3, 4] })
    expect(await ids('', { Range: 'items=0-1' })).toEqual({ status: 200, ids: [1, 2, 3, 4] })
    expect(await ids('', { Range: '1-2' })).toEqual({ status: 200, ids: [2, 3] })
    const head = await rest('/contract_f_folders?select=id', { method: 'HEAD', headers: { Range: '0-0', Prefer: 'count=exact' } })
    expect(head.headers.get('content-range')).toBe('0-3/4')
  })

  it('gives every column for an empty select and refuses an empty filter', async () => {
    const all = await rest('/contract_f_folders?select=&id=eq.1')
    expect(all.json).toEqual([{ id: 1, title: 'Akten', parent_id: null }])
    const filter = await rest('/contract_f_folders?id=')
    expect(filter.status).toBe(400)
    expect(filter.json).toMatchObject({ code: 'PGRST100', message: '"failed to parse filter ()" (line 1, column 1)' })
  })
})

describe('function resolution', () => {
  it('finds no function for an empty argument name when its parameters are named', async () => {
    const { error, status } = await api.rpc('contract_f_named', { '': 1 })
    expect(status).toBe(404)
    expect(error).toMatchObject({ code: 'PGRST202', message: 'Could not find the function public.contract_f_named() in the schema cache' })
  })

  it('hands the whole body to a function whose one parameter is an unnamed json', async () => {
    const { data, error } = await api.rpc('contract_f_whole', { '': 1, 'b': [2] })
    expect(error).toBeNull()
    expect(data).toEqual({ '': 1, 'b': [2] })
  })

  it('leaves out a function whose unnamed parameter it cannot fill', async () => {
    const { error, status } = await api.rpc('contract_f_unnamed_int', { '': 1 })
    expect(status).toBe(404)
    expect(error).toMatchObject({ code: 'PGRST202', hint: null })
  })

  it('answers 300 PGRST203 when overloads with defaults both fit, fewer parameters first', async () => {
    const { error, status } = await api.rpc('contract_f_pick', { a: '1' })
    expect(status).toBe(300)
    expect(error).toEqual({
      code: 'PGRST203',
      details: null,
      hint: 'Try renaming the parameters or the function itself in the database so function overloading can be resolved',
      message: 'Could not choose the best candidate function between: public.contract_f_pick(a => integer), public.contract_f_pick(a => text, b => text)',
    })
    expect((await api.rpc('contract_f_pick', { a: 'x', b: 'y' })).data).toBe('text')
  })
})

describe('embedding', () => {
  it('embeds a self reference: children by the table name, the parent by the column name', async () => {
    const children = await api.from('contract_f_folders').select('id, contract_f_folders(id)').eq('id', 1).order('id', { referencedTable: 'contract_f_folders' })
    expect(children.error).toBeNull()
    expect(children.data).toEqual([{ id: 1, contract_f_folders: [{ id: 2 }, { id: 3 }] }])
    const parent = await api.from('contract_f_folders').select('id, parent_id(title)').eq('id', 4)
    expect(parent.data).toEqual([{ id: 4, parent_id: { title: 'Mandat A' } }])
    const hinted = await api.from('contract_f_folders').select('id, sub:contract_f_folders!parent_id(id)').eq('id', 2)
    expect(hinted.data).toEqual([{ id: 2, sub: [{ id: 4 }] }])
  })

  it('embeds by the foreign key column and by its name, though views show the same table', async () => {
    const byColumn = await api.from('contract_f_posts').select('id, username(active)').eq('id', 1)
    expect(byColumn.error).toBeNull()
    expect(byColumn.data).toEqual([{ id: 1, username: { active: true } }])
    const byKey = await api.from('contract_f_posts').select('id, contract_f_accounts!contract_f_posts_username_fkey(username)').eq('id', 2)
    expect(byKey.data).toEqual([{ id: 2, contract_f_accounts: { username: 'ben' } }])
  })

  it('embeds through views, also views with LIMIT, as source and as target', async () => {
    const fromView = await api.from('contract_f_recent_posts').select('id, contract_f_accounts(active)').order('id')
    expect(fromView.error).toBeNull()
    expect(fromView.data).toEqual([{ id: 2, contract_f_accounts: { active: true } }, { id: 3, contract_f_accounts: { active: true } }])
    const toView = await api.from('contract_f_posts').select('id, contract_f_first_account(username)').eq('id', 3)
    expect(toView.data).toEqual([{ id: 3, contract_f_first_account: { username: 'anna' } }])
  })

  it('embeds computed relationships: a set as an array, a single row as an object', async () => {
    const { data, error } = await api.from('contract_f_accounts').select('username, contract_f_posts_of(id), latest:contract_f_latest_post(body)').eq('username', 'anna')
    expect(error).toBeNull()
    expect(data).toEqual([{ username: 'anna', contract_f_posts_of: [{ id: 1 }, { id: 3 }], latest: { body: 'dritte' } }])
  })

  it('refuses the same destination twice without aliases as Postgres does (42712)', async () => {
    const { error, status } = await api.from('contract_f_pairs').select('contract_f_accounts!first_user(*), contract_f_accounts!second_user(*)')
    expect(status).toBe(400)
    expect(error).toEqual({ code: '42712', details: null, hint: null, message: 'table name "contract_f_pairs_contract_f_accounts_1" specified more than once' })
    const aliased = await api.from('contract_f_pairs').select('a:contract_f_accounts!first_user(username), b:contract_f_accounts!second_user(username)')
    expect(aliased.data).toEqual([{ a: { username: 'anna' }, b: { username: 'ben' } }])
  })
})

describe('transaction end and plans from the in-database configuration', () => {
  // On the devstack `postgres` has no supautils to set pgrst.* on another role: the bootstrap superuser does.
  let admin: postgres.Sql
  const configure = async (settings: string[]) => {
    await admin.unsafe(settings.join(';'))
    await admin.unsafe(`notify pgrst, 'reload config'`)
  }
  beforeAll(async () => {
    admin = testEnv.isDevstack ? postgres(testEnv.dbUrl.replace('//postgres:', '//supabase_admin:'), { max: 1 }) : db()
    await configure([`alter role authenticator set pgrst.db_tx_end = 'commit-allow-override'`, `alter role authenticator set pgrst.db_plan_enabled = 'true'`])
  })
  afterAll(async () => {
    await configure(['alter role authenticator reset pgrst.db_tx_end', 'alter role authenticator reset pgrst.db_plan_enabled'])
    if (testEnv.isDevstack) await admin.end()
  })

  it('honours Prefer: tx=rollback: the answer as if written, nothing kept', async () => {
    // The configuration reloads asynchronously: wait until the preference is applied.
    const applied = await waitFor(async () => {
      const raw = await rest('/contract_f_folders?id=eq.0', { method: 'PATCH', token: testEnv.serviceRoleKey, headers: { 'Prefer': 'tx=rollback', 'Content-Type': 'application/json' }, body: '{"title":"x"}' })
      return raw.headers.get('preference-applied') === 'tx=rollback' ? true : undefined
    }, 10_000)
    expect(applied).toBe(true)
    const sku = `rollback-${Date.now()}`
    const { data, error } = await serviceClient().from('contract_items').insert({ sku }).select('sku').rollback()
    expect(error).toBeNull()
    expect(data).toEqual([{ sku }])
    const kept = await serviceClient().from('contract_items').select('sku').eq('sku', sku)
    expect(kept.data).toEqual([])
    const changed = await serviceClient().from('contract_f_folders').update({ title: 'geändert' }).eq('id', 1).select('title').rollback()
    expect(changed.data).toEqual([{ title: 'geändert' }])
    expect((await api.from('contract_f_folders').select('title').eq('id', 1)).data).toEqual([{ title: 'Akten' }])
  })

  it('answers the plan for Accept: application/vnd.pgrst.plan+json', async () => {
    const plan = await waitFor(async () => {
      const { data, error } = await api.from('contract_f_folders').select('id').explain({ format: 'json' })
      return error ? undefined : data
    }, 10_000) as unknown as Array<{ Plan: { 'Node Type': string } }>
    expect(plan[0]!.Plan['Node Type']).toEqual(expect.any(String))
    const text = await api.from('contract_f_folders').select('id').explain({ analyze: true })
    expect(String(text.data)).toMatch(/actual time=/)
  })
})
