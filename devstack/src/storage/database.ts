// Every Storage query runs in a transaction that first takes on the caller's role and JWT claims,
// as storage-api does (connected as supabase_storage_admin, which may SET ROLE to the API roles).
// RLS on storage.objects/buckets therefore decides, never JavaScript. The "super user" of
// storage-api is the service_role, which bypasses RLS.
import type { Sql, TransactionSql } from 'postgres'

export type Tx = TransactionSql

export interface Caller {
  role: string
  /** JWT `sub`: the owner recorded on uploads. */
  sub: string | undefined
  claims: Record<string, unknown>
  token: string
  /** False when a route that tolerates a missing or invalid JWT got one. */
  authenticated: boolean
}

/** What storage-api records about the request for policies (`storage.operation()`, `request.*`). */
export interface RequestScope {
  operation: string
  method: string
  path: string
  headers: Record<string, unknown>
}

export const anonymousCaller: Caller = { role: 'anon', sub: undefined, claims: { role: 'anon' }, token: '', authenticated: false }
export const superUser: Caller = { role: 'service_role', sub: undefined, claims: { role: 'service_role' }, token: '', authenticated: true }

const rollback = Symbol('dry run')

export class StorageDatabase {
  readonly sql: Sql

  constructor(sql: Sql) {
    this.sql = sql
  }

  /** Runs `work` in one transaction as `caller`; commits when it returns. */
  async as<T>(caller: Caller, scope: RequestScope, work: (tx: Tx) => Promise<T>): Promise<T> {
    return await this.sql.begin(async (tx) => {
      await tx`
        select set_config('role', ${caller.role}, true),
               set_config('request.jwt', ${caller.token}, true),
               set_config('request.jwt.claims', ${JSON.stringify(caller.claims)}, true),
               set_config('request.jwt.claim.role', ${caller.role}, true),
               set_config('request.jwt.claim.sub', ${caller.sub ?? ''}, true),
               set_config('request.headers', ${JSON.stringify(scope.headers)}, true),
               set_config('request.method', ${scope.method}, true),
               set_config('request.path', ${scope.path}, true),
               set_config('storage.operation', ${scope.operation}, true),
               set_config('storage.allow_delete_query', 'true', true)`
      return await work(tx)
    }) as T
  }

  /** storage-api's testPermission: runs the statement as the caller, then rolls it back. */
  async dryRun(caller: Caller, scope: RequestScope, work: (tx: Tx) => Promise<unknown>): Promise<void> {
    try {
      await this.as(caller, scope, async (tx) => {
        await work(tx)
        throw rollback
      })
    }
    catch (error) {
      if (error !== rollback) throw error
    }
  }
}
