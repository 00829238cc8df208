// The administration benchmark's data: clients named like a firm's (surname + legal form, so a
// surname finds a few dozen of 10,000), people, admins, and audit events by and about those
// people. Clients and people are written in bulk with triggers off; the audit events go through
// the chaining trigger in batches, so the hash chain stays intact as in production. Every name
// carries `tag`, so a smoke run can seed again into a database that already has data.
import type postgres from 'postgres'

export interface Scale { clients: number, people: number, admins: number, auditEvents: number }

const syllables = ['Ober', 'Unter', 'Neu', 'Alt', 'Gross', 'Klein', 'Berg', 'Wald', 'Feld', 'Stein', 'Hof', 'Bach', 'Brunn', 'Linden',
  'Eichen', 'Tannen', 'Rosen', 'Sonnen', 'Winter', 'Sommer']
const endings = ['mann', 'meier', 'huber', 'bauer', 'berger', 'müller', 'schmidt', 'hofer', 'ler', 'inger', 'mayr', 'reiter', 'thaler', 'wald', 'feld']
/** 300 surnames: each names about one client in 300. */
export const surnames = syllables.flatMap(start => endings.map(end => `${start}${end}`))
const forms = ['GmbH', 'KG', '& Partner', 'AG', 'e.K.', '']
const actions = ['document.downloaded', 'document.uploaded', 'auth.signed_in', 'permission.granted', 'client.updated', 'ticket.internal_notes_read']

export async function seedAdministration(sql: postgres.Sql, scale: Scale, tag: string, log: (line: string) => void): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`
    await tx`set local synchronous_commit = off`
    await tx`
      insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
        raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
        confirmation_token, recovery_token, email_change_token_new, email_change)
      select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
             format('bench-%s-%s-%s@bench.example', ${tag}::text, case when n <= ${scale.admins} then 'admin' else 'person' end, n),
             '', now(), '{"provider":"email","providers":["email"]}', jsonb_build_object('bench', ${tag}::text), now(), now(), '', '', '', ''
        from generate_series(1, ${scale.admins + scale.people}) as n`
    await tx`
      insert into public.profiles (id, display_name, locale)
      select u.id, format('%s %s', (${surnames}::text[])[1 + (row_number() over (order by u.email))::int % 300], split_part(split_part(u.email, '@', 1), '-', 4)), 'de'
        from auth.users as u where u.raw_user_meta_data ->> 'bench' = ${tag}`
    await tx`
      insert into public.staff (user_id, is_admin)
      select id, true from auth.users where raw_user_meta_data ->> 'bench' = ${tag} and email like '%-admin-%'`
    await tx`
      insert into public.clients (id, kind, name, reference_number)
      select gen_random_uuid(), case when n % 3 = 0 then 'person' else 'company' end,
             btrim(format('%s %s %s', (${surnames}::text[])[1 + n % 300], (${forms}::text[])[1 + n % 6], ${tag}::text)), format('A-%s-%s', ${tag}::text, n)
        from generate_series(1, ${scale.clients}) as n`
  })
  // Small transactions: within one, every event's update of the single chain-head row leaves a
  // row version that the next event's lookup walks past, so a batch costs its size squared.
  const batch = 2_500
  for (let from = 1; from <= scale.auditEvents; from += batch) {
    const to = Math.min(scale.auditEvents, from + batch - 1)
    // Oldest first, as they happened; a third are about a person (permission and sign-in events), the rest about objects.
    await sql`
      with people as (select array_agg(id order by email) as ids from auth.users where raw_user_meta_data ->> 'bench' = ${tag} and email like '%-person-%')
      insert into ops.audit_events (occurred_at, actor_id, actor_role, action, entity_type, entity_id, details)
      select now() - make_interval(secs => ${scale.auditEvents} - n), p.ids[1 + n % array_length(p.ids, 1)], 'authenticated',
             (${actions}::text[])[1 + n % 6],
             case when n % 3 = 0 then 'user' else 'document' end,
             case when n % 3 = 0 then (p.ids[1 + (n * 7) % array_length(p.ids, 1)])::text else gen_random_uuid()::text end,
             '{}'::jsonb
        from generate_series(${from}::int, ${to}::int) as n, people as p`
    await sql`vacuum ops.audit_chain_head`
    if (to % 100_000 === 0 || to === scale.auditEvents) log(`audit events ${to.toLocaleString('en')} / ${scale.auditEvents.toLocaleString('en')}`)
  }
  await sql`analyze public.clients`
  await sql`analyze ops.audit_events`
}
