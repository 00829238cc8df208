// Journey: a client user past the 3-day grace period without a second factor can only reach the
// set-up. The router steers there, and the database refuses the data to the browser's own token,
// so skipping the router gains nothing.
import { afterAll, expect, it } from 'vitest'
import { testEnv } from '../helpers/env.ts'
import { backdate, clientUser, closePortal, newClient, newMatter, staffMember, visibleIds } from '../helpers/portal.ts'
import { appUrl, startJourney } from './browser.ts'
import { browserAccessToken, setUpPage, signIn } from './steps.ts'

afterAll(closePortal)

/** REST as the browser's session would call it, without the app. */
function rest(path: string, token: string, body?: unknown): Promise<Response> {
  return fetch(`${testEnv.supabaseUrl}/rest/v1/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'apikey': testEnv.anonKey, 'Authorization': `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

it('past the grace period without a factor: only the set-up opens, and the API refuses the data', async () => {
  const staff = await staffMember('e2e-gate-staff')
  const client = await newClient(staff, 'E2E Fristablauf KG')
  const matter = await newMatter(staff, client, 'E2E Akte')
  const user = await clientUser(staff, client, 'e2e-past-grace')
  // Within its grace period the same account sees its client's matter: the refusal below is the gate.
  expect(await visibleIds(user.client, 'matters')).toEqual([matter.id])
  await backdate(user, 4)

  const journey = await startJourney('past-grace-period')
  const { page } = journey
  try {
    await signIn(page, user.email, user.password)
    await setUpPage(page)
    await page.getByText('Die Frist zur Einrichtung ist abgelaufen.').waitFor()
    await journey.screenshot('set-up-only')
    for (const path of ['/tickets', '/dokumente', '/profil', '/']) {
      await page.goto(`${appUrl}${path}`)
      await setUpPage(page)
    }
    await journey.screenshot('direct-urls-lead-back')

    const token = await browserAccessToken(page)
    for (const table of ['matters', 'clients', 'client_members']) {
      const response = await rest(`${table}?select=*`, token)
      expect({ table, status: response.status, rows: await response.json() }).toEqual({ table, status: 200, rows: [] })
    }
    const ticket = await rest('rpc/open_ticket', token, { subject: 'Frage', body: 'Ohne zweiten Faktor?', matter_id: matter.id })
    expect({ status: ticket.status, body: await ticket.json() }).toMatchObject({ status: 400, body: { code: 'P0001', message: 'mfa_required' } })
    const state = await rest('rpc/my_access_state', token, {})
    expect(await state.json()).toMatchObject({ access_allowed: false, enrolment_required: true, has_factor: false })
  }
  finally {
    await journey.close()
  }
})
