// The people every REST benchmark seeds and signs in as: staff and clients with one owner each,
// written in bulk inside the caller's transaction (triggers off: session_replication_role =
// replica), every name and address carrying the run's `tag`, so a smoke run can seed again into a
// database that already has data (the test instance).
import type postgres from 'postgres'

export async function seedPeople(tx: postgres.TransactionSql, tag: string, counts: { staff: number, clients: number }): Promise<void> {
  await tx`
    insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
      raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
      confirmation_token, recovery_token, email_change_token_new, email_change)
    select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
           format('bench-%s-%s-%s@bench.example', ${tag}::text, case when n <= ${counts.staff} then 'staff' else 'client' end, n),
           '', now(), '{"provider":"email","providers":["email"]}', jsonb_build_object('bench', ${tag}::text), now(), now(), '', '', '', ''
      from generate_series(1, ${counts.staff + counts.clients}) as n`
  await tx`
    insert into public.profiles (id, display_name, locale)
    select u.id, initcap(split_part(split_part(u.email, '@', 1), '-', 3)) || ' ' || split_part(split_part(u.email, '@', 1), '-', 4), 'de'
      from auth.users as u where u.raw_user_meta_data ->> 'bench' = ${tag}`
  await tx`
    insert into public.staff (user_id)
    select id from auth.users where raw_user_meta_data ->> 'bench' = ${tag} and email like '%-staff-%'`
  await tx`
    insert into public.clients (id, kind, name, reference_number)
    select gen_random_uuid(), case when n % 3 = 0 then 'person' else 'company' end,
           format('Mandant %s %s', ${tag}::text, n), format('B-%s-%s', ${tag}::text, n)
      from generate_series(1, ${counts.clients}) as n`
  await tx`
    insert into public.client_members (client_id, user_id, role)
    select c.id, u.id, 'owner'
      from (select id, row_number() over (order by reference_number) as n from public.clients where reference_number like ${`B-${tag}-%`}) as c
      join (select id, row_number() over (order by email) as n from auth.users
             where raw_user_meta_data ->> 'bench' = ${tag} and email like '%-client-%') as u on u.n = c.n`
}
