// The lockout of issue 16: an account whose user_metadata grew to megabytes (written before the
// bound of 20261203111000, e.g. restored from an older dump) still signs in, works and cleans up,
// because its access tokens carry no user_metadata. Before, each token was 2.8 MB and every
// request, the one to undo it included, was refused with 431.
import postgres from 'postgres'
import { afterAll, expect, it } from 'vitest'
import { dbUrl, loadConfig } from '../../devstack/src/config.ts'
import { accessTokenOf, createTestUser, signedInClient } from '../helpers/auth.ts'
import { testEnv } from '../helpers/env.ts'
import { closeDb } from '../helpers/personas.ts'

afterAll(closeDb)

// Writing past the trigger needs a superuser, which only the devstack hands out.
it.skipIf(!testEnv.isDevstack)('an account with 2 MB of user_metadata signs in with a small token and removes it', async () => {
  const user = await createTestUser('metadata-lockout', { display_name: 'Bea Bloat' })
  const superuser = postgres(dbUrl(loadConfig({ DEVSTACK_INSTANCE: 'test', ...process.env }), 'supabase_admin'), { max: 1, onnotice: () => {} })
  try {
    await superuser.begin(async (tx) => {
      await tx`set local session_replication_role = replica`
      await tx`update auth.users set raw_user_meta_data = raw_user_meta_data || ${tx.json({ blob: 'x'.repeat(2_000_000) })} where id = ${user.id}`
    })
  }
  finally {
    await superuser.end()
  }

  const client = await signedInClient(user)
  expect((await accessTokenOf(client)).length).toBeLessThan(2048)
  const profile = await client.from('profiles').select('display_name').eq('id', user.id).single()
  expect(profile.data).toEqual({ display_name: 'Bea Bloat' })
  const { data, error } = await client.auth.updateUser({ data: { blob: null } })
  expect(error).toBeNull()
  expect(data.user!.user_metadata).toEqual({ display_name: 'Bea Bloat' })
})
