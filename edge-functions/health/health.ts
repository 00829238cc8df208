// The health answer: the function runtime is up, the database answers, and the scheduler can
// call functions (Vault holds `project_url`, which pg_cron jobs build function URLs from).
import { json, preflight } from '../_shared/cors.ts'
import { bearerClaims } from '../_shared/jwt.ts'

export interface HealthChecks {
  now: () => Date
  /** Whether Vault has the secret scheduled jobs need; throws when the database is unreachable. */
  schedulerConfigured: () => Promise<boolean>
}

export async function health(req: Request, checks: HealthChecks): Promise<Response> {
  const cors = preflight(req)
  if (cors) return cors
  if (req.method !== 'GET' && req.method !== 'POST') return json({ error: 'method not allowed' }, 405)
  // verify_jwt is off for this function, so the role is what the token claims, shown for diagnosis.
  const caller = bearerClaims(req)?.role ?? 'anon'
  const time = checks.now().toISOString()
  try {
    const scheduler = await checks.schedulerConfigured() ? 'configured' : 'project_url missing in Vault'
    return json({ status: 'ok', time, caller, database: 'ok', scheduler })
  }
  catch (error) {
    console.error('health: database check failed:', error)
    return json({ status: 'degraded', time, caller, database: 'unreachable' }, 503)
  }
}
