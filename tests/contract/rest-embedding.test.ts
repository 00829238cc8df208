// Resource embedding: to-one, to-many, many-to-many through a junction table, one-to-one, views,
// hints, !inner, spreads, filters/order/limit on embedded resources and the embedding errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rest, restFixture } from '../helpers/fixtures.ts'
import { anonClient, closeDb } from '../helpers/personas.ts'

beforeAll(restFixture)
afterAll(closeDb)

const api = anonClient()

describe('relationship kinds', () => {
  it('embeds a to-one relationship as an object (or null)', async () => {
    const { data, error } = await api.from('contract_projects').select('id, client:contract_clients(name)').in('id', [1, 5]).order('id')
    expect(error).toBeNull()
    expect(data).toEqual([{ id: 1, client: { name: 'Kanzlei Nord' } }, { id: 5, client: null }])
  })

  it('embeds a to-many relationship as an array', async () => {
    const { data } = await api.from('contract_clients').select('name, contract_projects(id)').in('id', [1, 4]).order('id').order('id', { referencedTable: 'contract_projects' })
    expect(data).toEqual([{ name: 'Kanzlei Nord', contract_projects: [{ id: 1 }, { id: 2 }] }, { name: 'Quiet Client', contract_projects: [] }])
  })

  it('embeds many-to-many through the junction table named as hint', async () => {
    const { data } = await api.from('contract_projects').select('id, members:contract_users!contract_project_members(name)').eq('id', 1).order('name', { referencedTable: 'members' })
    expect(data).toEqual([{ id: 1, members: [{ name: 'Anna' }, { name: 'Ben' }] }])
  })

  it('embeds one-to-one in both directions as objects', async () => {
    const users = await api.from('contract_users').select('name, contract_profiles(bio)').in('id', [1, 3]).order('id')
    expect(users.data).toEqual([{ name: 'Anna', contract_profiles: { bio: 'Partner' } }, { name: 'Cem', contract_profiles: null }])
    const profiles = await api.from('contract_profiles').select('bio, contract_users(name)').eq('user_id', 2)
    expect(profiles.data).toEqual([{ bio: 'Associate', contract_users: { name: 'Ben' } }])
  })

  it('embeds through a view over a table with foreign keys', async () => {
    const { data } = await api.from('contract_project_cards').select('title, contract_clients(name)').eq('id', 3)
    expect(data).toEqual([{ title: 'Trademark "Acme"', contract_clients: { name: 'Acme, Inc.' } }])
  })

  it('embeds several levels deep', async () => {
    const { data } = await api.from('contract_clients').select('name, contract_projects(title, owner:contract_users!owner_id(name))').eq('id', 3)
    expect(data).toEqual([{ name: 'Müller & Söhne', contract_projects: [{ title: 'Estate planning', owner: { name: 'Cem' } }] }])
  })
})

describe('disambiguation', () => {
  it('answers 300 PGRST201 with the candidates when several relationships fit', async () => {
    const { status, error } = await api.from('contract_projects').select('id, contract_users(name)')
    expect(status).toBe(300)
    expect(error?.code).toBe('PGRST201')
    expect(error?.message).toBe('Could not embed because more than one relationship was found for \'contract_projects\' and \'contract_users\'')
    expect(error?.hint).toContain('\'contract_users!contract_projects_owner_id_fkey\'')
    expect(error?.details).toEqual(expect.arrayContaining([
      { cardinality: 'many-to-one', embedding: 'contract_projects with contract_users', relationship: 'contract_projects_owner_id_fkey using contract_projects(owner_id) and contract_users(id)' },
      { cardinality: 'many-to-many', embedding: 'contract_projects with contract_users', relationship: 'contract_project_members using contract_project_members_project_id_fkey(project_id) and contract_project_members_user_id_fkey(user_id)' },
    ]))
  })

  it('accepts a foreign key name, a column name, or the column alone as hint', async () => {
    const byConstraint = await api.from('contract_projects').select('reviewer:contract_users!contract_projects_reviewer_id_fkey(name)').eq('id', 1).single()
    expect(byConstraint.data).toEqual({ reviewer: { name: 'Ben' } })
    const byColumn = await api.from('contract_projects').select('owner:contract_users!owner_id(name)').eq('id', 1).single()
    expect(byColumn.data).toEqual({ owner: { name: 'Anna' } })
    const columnAsName = await api.from('contract_projects').select('owner_id(name)').eq('id', 2).single()
    expect(columnAsName.data).toEqual({ owner_id: { name: 'Ben' } })
  })

  it('answers 400 PGRST200 for an unknown relationship, with a suggestion', async () => {
    const { status, error } = await api.from('contract_projects').select('id, contract_client(name)')
    expect(status).toBe(400)
    expect(error).toMatchObject({
      code: 'PGRST200',
      message: 'Could not find a relationship between \'contract_projects\' and \'contract_client\' in the schema cache',
      details: 'Searched for a foreign key relationship between \'contract_projects\' and \'contract_client\' in the schema \'public\', but no matches were found.',
      hint: 'Perhaps you meant \'contract_clients\' instead of \'contract_client\'.',
    })
  })
})

describe('filtering, ordering and limiting embedded resources', () => {
  it('filters inside the embedding without removing parents', async () => {
    const { data } = await api.from('contract_clients').select('id, contract_projects(title)').eq('contract_projects.done', true).in('id', [1, 2]).order('id')
    expect(data).toEqual([{ id: 1, contract_projects: [{ title: 'Merger' }] }, { id: 2, contract_projects: [] }])
  })

  it('removes parents without a match with !inner', async () => {
    const { data, count } = await api.from('contract_clients').select('id, contract_projects!inner(title)', { count: 'exact' }).eq('contract_projects.done', true)
    expect(data).toEqual([{ id: 1, contract_projects: [{ title: 'Merger' }] }])
    expect(count).toBe(1)
  })

  it('filters parents by the presence of an embedding (is null / not is null)', async () => {
    const without = await api.from('contract_clients').select('id, contract_projects(id)').is('contract_projects', null)
    expect(without.data).toEqual([{ id: 4, contract_projects: [] }])
    const withProjects = await api.from('contract_clients').select('id, contract_projects(id)', { count: 'exact' }).not('contract_projects', 'is', null)
    expect(withProjects.count).toBe(3)
  })

  it('orders and limits each embedding on its own', async () => {
    const { data } = await api.from('contract_clients').select('id, contract_projects(id)').eq('id', 1)
      .order('id', { referencedTable: 'contract_projects', ascending: false }).limit(1, { referencedTable: 'contract_projects' })
    expect(data).toEqual([{ id: 1, contract_projects: [{ id: 2 }] }])
  })

  it('orders parents by a to-one embedding\'s column', async () => {
    const { data } = await api.from('contract_projects').select('id, contract_clients(name)').not('client_id', 'is', null).order('contract_clients(name)').order('id')
    expect(data?.map(row => row.id)).toEqual([3, 1, 2, 4])
  })

  it('answers 400 PGRST108 for a filter on a resource that is not embedded', async () => {
    const { error } = await api.from('contract_clients').select('id').eq('contract_projects.done', true)
    expect(error).toMatchObject({ code: 'PGRST108', message: '\'contract_projects\' is not an embedded resource in this request', hint: 'Verify that \'contract_projects\' is included in the \'select\' query parameter.' })
  })

  it('combines or() inside an embedding', async () => {
    const { data } = await api.from('contract_clients').select('id, contract_projects(id)').eq('id', 1).or('id.eq.2,title.ilike.*lease*', { referencedTable: 'contract_projects' }).order('id', { referencedTable: 'contract_projects' })
    expect(data).toEqual([{ id: 1, contract_projects: [{ id: 1 }, { id: 2 }] }])
  })
})

describe('spreads and counts', () => {
  it('lifts a to-one embedding\'s columns into the parent with ...', async () => {
    const { data } = await api.from('contract_projects').select('title, ...contract_clients(client:name, country)').eq('id', 3)
    expect(data).toEqual([{ title: 'Trademark "Acme"', client: 'Acme, Inc.', country: 'US' }])
  })

  it('counts embedded rows with (count)', async () => {
    const { data } = await api.from('contract_clients').select('id, contract_projects(count)').order('id')
    expect(data).toEqual([
      { id: 1, contract_projects: [{ count: 2 }] },
      { id: 2, contract_projects: [{ count: 1 }] },
      { id: 3, contract_projects: [{ count: 1 }] },
      { id: 4, contract_projects: [{ count: 0 }] },
    ])
  })

  it('refuses aggregate functions while they are disabled (PGRST123)', async () => {
    const response = await rest('/contract_projects?select=budget.sum()')
    expect(response.status).toBe(400)
    expect(response.json).toMatchObject({ code: 'PGRST123', message: 'Use of aggregate functions is not allowed' })
  })
})
