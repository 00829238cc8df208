// Journey: the lawyer (admin), confirmed with the authenticator app, opens Verwaltung → Sicherungen,
// starts "Jetzt sichern" and sees the run succeed (live, through the private topic `backups`), at
// 1280 and 360 px; an employee sees no such page, and the browser's own session is refused by
// request_backup itself. The backup is real: the function, an s3rver and an age key.
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { loadConfig } from '../../devstack/src/config.ts'
import { type S3Server, startS3Server } from '../../scripts/s3-server.ts'
import { backupKeys, configureBackups, unconfigureBackups } from '../helpers/backup.ts'
import { testEnv } from '../helpers/env.ts'
import { db } from '../helpers/personas.ts'
import { closePortal, enrolTotp, staffMember } from '../helpers/portal.ts'
import { appUrl, startJourney } from './browser.ts'
import { browserAccessToken, overview, signInWithAppCode } from './steps.ts'

const source = loadConfig({ ...process.env, DEVSTACK_INSTANCE: 'test' })
let server: S3Server

/** An RPC as the browser's session would call it, without the app. */
const rpcAs = (token: string, name: string) => fetch(`${testEnv.supabaseUrl}/rest/v1/rpc/${name}`, {
  method: 'POST',
  headers: { 'apikey': testEnv.anonKey, 'Authorization': `Bearer ${token}`, 'Content-Type': 'application/json' },
  body: '{}',
})

beforeAll(async () => {
  server = await startS3Server(source.root, join(source.dataDir, 'backup-journey-s3'), { buckets: ['journey'] })
  await configureBackups(db(), server, 'journey', await backupKeys())
})

afterAll(async () => {
  await unconfigureBackups(db())
  await server?.stop()
  await closePortal()
})

it('the admin starts a backup in Verwaltung → Sicherungen and sees it succeed', async () => {
  const admin = await staffMember(`e2e-backup-admin-${randomUUID().slice(0, 6)}`, { admin: true })
  const app = await enrolTotp(admin.client)
  const journey = await startJourney('backup-admin')
  const { page } = journey
  try {
    await signInWithAppCode(page, admin.email, admin.password, app)
    await page.getByRole('link', { name: 'Verwaltung' }).first().click()
    await page.getByRole('link', { name: 'Sicherungen' }).click()
    await page.getByRole('heading', { level: 1, name: 'Sicherungen' }).waitFor()
    await page.getByText('Noch keine Sicherungen.').waitFor()
    await journey.screenshot('no-backups-yet')

    await page.getByRole('button', { name: 'Jetzt sichern' }).click()
    // The list and the overview follow the run without a reload: queued, running, succeeded.
    const succeeded = page.getByRole('listitem').filter({ hasText: /gelungen · Vollsicherung/ })
    await succeeded.waitFor({ timeout: 90_000 })
    await expect.poll(() => page.getByRole('definition').first().textContent()).not.toBe('noch keine')
    await expect(page.getByText(/Prüfsumme der letzten Sicherung \(SHA-256\): [0-9a-f]{64}/).isVisible()).resolves.toBe(true)
    await journey.screenshot('backup-succeeded-1280')
    await page.setViewportSize({ width: 360, height: 800 })
    await page.getByRole('button', { name: 'Jetzt sichern' }).waitFor()
    await journey.screenshot('backup-succeeded-360')

    const [run] = await db()<Array<{ status: string, trigger: string, requested_by: string, audited: number }>>`
      select r.status, r.trigger, r.requested_by::text,
             (select count(*)::int from ops.audit_events where action = 'backup.requested' and entity_id = r.id::text and actor_id = ${admin.id}) as audited
        from ops.backup_runs as r order by r.seq desc limit 1`
    expect(run).toEqual({ status: 'succeeded', trigger: 'manual', requested_by: admin.id, audited: 1 })
  }
  finally {
    await journey.close()
  }
}, 150_000)

it('an employee finds no backups page, and the database refuses the browser session’s request_backup', async () => {
  const staff = await staffMember(`e2e-backup-staff-${randomUUID().slice(0, 6)}`)
  const app = await enrolTotp(staff.client)
  const journey = await startJourney('backup-refused', { viewport: { width: 360, height: 800 } })
  const { page } = journey
  try {
    await signInWithAppCode(page, staff.email, staff.password, app)
    await page.goto(`${appUrl}/verwaltung`)
    await page.getByRole('heading', { level: 1, name: 'Verwaltung' }).waitFor()
    expect(await page.getByRole('link', { name: 'Sicherungen' }).count()).toBe(0)
    await page.goto(`${appUrl}/verwaltung/sicherungen`)
    await overview(page)
    await journey.screenshot('direct-url-leads-home')

    const [before] = await db()<Array<{ runs: number }>>`select count(*)::int as runs from ops.backup_runs`
    const token = await browserAccessToken(page)
    for (const rpc of ['request_backup', 'backup_overview', 'list_backup_runs']) {
      const response = await rpcAs(token, rpc)
      expect({ rpc, status: response.status, body: await response.json() }).toMatchObject({ rpc, status: 400, body: { code: 'P0001', message: 'forbidden' } })
    }
    const [after] = await db()<Array<{ runs: number }>>`select count(*)::int as runs from ops.backup_runs`
    expect(after!.runs).toBe(before!.runs)
  }
  finally {
    await journey.close()
  }
}, 90_000)
