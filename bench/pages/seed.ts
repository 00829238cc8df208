// The pages benchmark's data: clients with one user each (bench/lib/people.ts), groups of 20 to
// 40 clients (every client in one or two), and pages: most addressed to one client, the rest to
// one group, a few drafts and archived ones, each with an appointment now and then, written in
// bulk with triggers off, slugs and change times set as the triggers would.
import type postgres from 'postgres'
import { seedPeople } from '../lib/people.ts'

export interface Scale { clients: number, staff: number, groups: number, pages: number }

export async function seedPages(sql: postgres.Sql, scale: Scale, tag: string): Promise<void> {
  const clientPages = Math.round(scale.pages * 0.8)
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`
    await tx`set local synchronous_commit = off`
    await seedPeople(tx, tag, { staff: scale.staff, clients: scale.clients })
    await tx`
      insert into public.client_groups (name) select format('Gruppe %s %s', ${tag}::text, n) from generate_series(1, ${scale.groups}) as n`
    // Client n is in group n mod groups, and every third client also in the next one.
    await tx`
      with clients as (select id, row_number() over (order by reference_number) - 1 as n from public.clients where reference_number like ${`B-${tag}-%`}),
           groups as (select id, row_number() over (order by name) - 1 as n from public.client_groups where name like ${`Gruppe ${tag} %`})
      insert into public.client_group_members (group_id, client_id)
      select g.id, c.id from clients as c join groups as g on g.n = c.n % ${scale.groups}
      union
      select g.id, c.id from clients as c join groups as g on g.n = (c.n + 1) % ${scale.groups} where c.n % 3 = 0`
    await tx`
      with author as (select s.user_id from public.staff as s join auth.users as u on u.id = s.user_id
                       where u.raw_user_meta_data ->> 'bench' = ${tag} limit 1),
           fresh as (
             select gen_random_uuid() as id, n, now() - random() * interval '730 days' as created,
                    case when n % 50 = 0 then false else true end as published,
                    n % 97 = 0 as archived
               from generate_series(1, ${scale.pages}) as n)
      insert into public.pages (id, title, body, pinned, published, published_at, created_by, updated_by, created_at, updated_at,
                                slug, archived_at, content_changed_at)
      select f.id, format('Seite %s %s', ${tag}::text, f.n),
             repeat('Hinweise der Kanzlei zu Ihrem Mandat, **wichtig** und [verlinkt](https://kanzlei.example/merkblatt). ', 20),
             f.n % 40 = 0, f.published and not f.archived, case when f.published and not f.archived then f.created end,
             (select user_id from author), (select user_id from author), f.created, f.created,
             format('seite-%s-%s-%s', ${tag}::text, f.n, right(replace(f.id::text, '-', ''), 8)),
             case when f.archived then f.created + interval '30 days' end,
             case when f.published and not f.archived then f.created end
        from fresh as f`
    // Pages 1 … clientPages to one client each (round robin), the rest to one group each.
    await tx`
      with clients as (select id, row_number() over (order by reference_number) - 1 as n from public.clients where reference_number like ${`B-${tag}-%`}),
           groups as (select id, row_number() over (order by name) - 1 as n from public.client_groups where name like ${`Gruppe ${tag} %`}),
           pages as (select id, (regexp_match(slug, ${`^seite-${tag}-(\\d+)-`}))[1]::int - 1 as n from public.pages where slug like ${`seite-${tag}-%`})
      insert into public.page_audiences (page_id, client_id, group_id)
      select p.id, c.id, null from pages as p join clients as c on c.n = p.n % ${scale.clients} where p.n < ${clientPages}
      union all
      select p.id, null, g.id from pages as p join groups as g on g.n = (p.n - ${clientPages}) % ${scale.groups} where p.n >= ${clientPages}`
    await tx`
      insert into public.appointments (page_id, title, starts_at, ends_at, location, created_by)
      select p.id, 'Besprechung', now() + (p.n % 60) * interval '1 day', now() + (p.n % 60) * interval '1 day' + interval '1 hour', 'Kanzlei', p.created_by
        from (select id, created_by, row_number() over (order by slug) as n from public.pages where slug like ${`seite-${tag}-%`}) as p
       where p.n % 10 = 0`
  })
  for (const table of ['pages', 'page_audiences', 'client_group_members', 'client_members', 'appointments']) await sql`analyze ${sql(`public.${table}`)}`
}
