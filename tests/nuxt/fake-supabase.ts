// A stand-in for the Supabase client in component and store tests: records calls and answers
// with what each test sets up. The real client is exercised by the contract and e2e tests.
import type { Session } from '@supabase/supabase-js'
import { vi } from 'vitest'

export function fakeSession(overrides: Partial<Session['user']> = {}): Session {
  return {
    access_token: 'header.e30.signature',
    refresh_token: 'refresh',
    expires_in: 900,
    token_type: 'bearer',
    user: { id: 'user-1', email: 'mandantin@example.com', aud: 'authenticated', app_metadata: {}, user_metadata: {}, created_at: '2026-11-27T00:00:00Z', ...overrides },
  }
}

/** A PostgREST query builder: every filter returns it, awaiting it gives the table's answer. */
function queryBuilder(answer: () => Promise<unknown>): unknown {
  const builder: unknown = new Proxy({}, {
    get: (_, property) => (property === 'then'
      ? (resolve: (value: unknown) => void, reject: (reason: unknown) => void) => answer().then(resolve, reject)
      : () => builder),
  })
  return builder
}

export function createFakeSupabase() {
  const rpcAnswers = new Map<string, { data?: unknown, error?: unknown, status?: number }>()
  const tableAnswers = new Map<string, { data?: unknown, error?: unknown, status?: number }>()
  const fake = {
    rpcAnswers,
    tableAnswers,
    rpc: vi.fn(async (name: string, _args?: unknown) => ({ data: null, error: null, status: 200, ...rpcAnswers.get(name) })),
    from: vi.fn((table: string) => queryBuilder(async () => ({ data: [], error: null, status: 200, ...tableAnswers.get(table) }))),
    functionsClient: {
      invoke: vi.fn(async (_name: string, _options?: unknown) => ({ data: {} as unknown, error: null as unknown })),
    },
    functions: async () => fake.functionsClient,
    auth: {
      onAuthStateChange: vi.fn(),
      getSession: vi.fn(async () => ({ data: { session: null as Session | null }, error: null })),
      signInWithPassword: vi.fn(async () => ({ data: { session: fakeSession() as Session | null }, error: null as unknown })),
      signOut: vi.fn(async () => ({ error: null as unknown })),
      mfa: {
        listFactors: vi.fn(async () => ({ data: { all: [], totp: [] }, error: null })),
        challengeAndVerify: vi.fn(async () => ({ data: {}, error: null as unknown })),
      },
    },
  }
  return fake
}

export type FakeSupabase = ReturnType<typeof createFakeSupabase>
