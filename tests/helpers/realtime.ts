// Realtime contract tests: supabase-js clients per serializer, subscribing, collecting what
// arrives, and RLS policies on realtime.messages for one test file (unique topic prefix, created
// and dropped as postgres; on a real Supabase too).
import { randomUUID } from 'node:crypto'
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js'
import { testEnv } from './env.ts'
import { db } from './personas.ts'

/** Both protocol versions realtime-js speaks; every realtime test runs under each. */
export const serializers = ['1.0.0', '2.0.0'] as const
export type Serializer = typeof serializers[number]

const openClients = new Set<SupabaseClient>()

export interface RealtimeClientOptions {
  vsn: Serializer
  /** A user JWT (string or a getter that may change); absent: the anon key. */
  accessToken?: () => string
  apiKey?: string
  reconnectAfterMs?: number
}

/** A supabase-js client whose realtime socket uses the given serializer. */
export function realtimeClient(options: RealtimeClientOptions): SupabaseClient {
  const { vsn, accessToken, apiKey = testEnv.anonKey, reconnectAfterMs } = options
  const client = createClient(testEnv.supabaseUrl, apiKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { vsn, ...(reconnectAfterMs ? { reconnectAfterMs: () => reconnectAfterMs } : {}) },
    ...(accessToken ? { accessToken: async () => accessToken() } : {}),
  })
  openClients.add(client)
  return client
}

/**
 * A client acting as a user, with the token already handed to Realtime (supabase-js sets it
 * asynchronously; Supabase's docs call `await supabase.realtime.setAuth()` before private joins).
 */
export async function userRealtimeClient(vsn: Serializer, accessToken: () => string): Promise<SupabaseClient> {
  const client = realtimeClient({ vsn, accessToken })
  await client.realtime.setAuth()
  return client
}

/** Disconnects every client this file created (afterAll). */
export async function closeRealtimeClients(): Promise<void> {
  await Promise.all([...openClients].map(client => client.removeAllChannels()))
  openClients.clear()
}

/** Resolves when the channel is SUBSCRIBED; rejects with the server's reason otherwise. */
export function subscribed(channel: RealtimeChannel): Promise<RealtimeChannel> {
  return new Promise((resolveJoin, rejectJoin) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolveJoin(channel)
      else if (status !== 'CLOSED') rejectJoin(error ?? new Error(status))
    })
  })
}

/** The error of a refused join (the first CHANNEL_ERROR); the channel is removed afterwards. */
export function refusedJoin(client: SupabaseClient, channel: RealtimeChannel): Promise<Error> {
  return new Promise((resolveRefusal, rejectRefusal) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') rejectRefusal(new Error('the join was accepted'))
      if (status === 'CHANNEL_ERROR') {
        void client.removeChannel(channel)
        resolveRefusal(error ?? new Error('CHANNEL_ERROR without a reason'))
      }
    })
  })
}

/** Collects what a binding receives; `next` waits for the first item matching a predicate. */
export class Inbox<T> {
  readonly items: T[] = []
  private waiters: Array<{ matches: (item: T) => boolean, resolve: (item: T) => void }> = []

  readonly push = (item: T): void => {
    this.items.push(item)
    for (const waiter of this.waiters.filter(candidate => candidate.matches(item))) {
      this.waiters = this.waiters.filter(candidate => candidate !== waiter)
      waiter.resolve(item)
    }
  }

  next(matches: (item: T) => boolean = () => true): Promise<T> {
    const existing = this.items.find(matches)
    if (existing !== undefined) return Promise.resolve(existing)
    return new Promise(resolveItem => this.waiters.push({ matches, resolve: resolveItem }))
  }
}

export interface BroadcastMessage {
  type: 'broadcast'
  event: string
  payload: Record<string, unknown>
  meta?: { id: string }
}

/** A topic no other test uses. */
export const uniqueTopic = (label: string) => `${label}-${randomUUID()}`

/**
 * Policies for this test file's private topics `<prefix>:<readers>:<writers>:<name>`: users listed as
 * readers may read (broadcast and presence), writers may also send and track.
 */
export async function topicPolicies(): Promise<{ topic: (access: { readers: string[], writers?: string[] }, label: string) => string, drop: () => Promise<void> }> {
  const prefix = `ct${randomUUID().slice(0, 8)}`
  const sql = db()
  const readPolicy = `${prefix} listed readers read`
  const writePolicy = `${prefix} listed writers write`
  const listed = (position: number) =>
    `split_part((select realtime.topic()), ':', 1) = '${prefix}' and strpos(split_part((select realtime.topic()), ':', ${position}), (select auth.uid())::text) > 0`
  await sql.unsafe(`
    create policy "${readPolicy}" on realtime.messages for select to authenticated using (${listed(2)});
    create policy "${writePolicy}" on realtime.messages for insert to authenticated with check (${listed(3)})`)
  return {
    topic: ({ readers, writers = [] }, label) => `${prefix}:${readers.join('+')}:${writers.join('+')}:${label}-${randomUUID().slice(0, 8)}`,
    drop: async () => {
      await sql.unsafe(`drop policy if exists "${readPolicy}" on realtime.messages; drop policy if exists "${writePolicy}" on realtime.messages`)
    },
  }
}
