// The tickets benchmark's data: clients with one user each, staff, matters, tickets with replies
// and internal notes, written in bulk as supabase_admin with triggers off (session_replication_role
// = replica), then everything the triggers would have derived (activity times, the search
// documents) computed in bulk. Every name carries `tag` (bench/lib/people.ts).
import type postgres from 'postgres'
import { seedPeople } from '../lib/people.ts'

export interface Scale { clients: number, staff: number, ticketsPerClient: number, repliesPerTicket: number }

// German words of a law firm's correspondence. Replies draw them skewed (the first ones often),
// so search terms range from very common to rare, as in real text.
const vocabulary = `Frist Schreiben Gericht Vollmacht Rechnung Termin Unterlagen Vertrag Kündigung Klage Antrag Bescheid
  Zahlung Mahnung Gutachten Akte Anlage Nachweis Mandant Kanzlei Gegenseite Vergleich Verhandlung Einspruch Widerspruch
  Berufung Beschluss Urteil Kosten Vorschuss Honorar Auslagen Erbschein Testament Nachlass Erbengemeinschaft Pflichtteil
  Mietvertrag Nebenkosten Mietminderung Räumung Kaution Eigenbedarf Modernisierung Betriebskosten Hausverwaltung Vermieter
  Arbeitsvertrag Abmahnung Aufhebungsvertrag Zeugnis Überstunden Betriebsrat Lohn Abfindung Sozialplan Kündigungsschutz
  Bauvertrag Mängel Abnahme Gewährleistung Bodenplatte Generalunternehmer Nachtrag Bauzeit Vertragsstrafe Sachverständiger
  Ortstermin Beweissicherung Schadensersatz Versicherung Haftung Verjährung Zustellung Fristverlängerung Akteneinsicht
  Stellungnahme Schriftsatz Klageerwiderung Replik Güteverhandlung Protokoll Zeuge Beweisaufnahme Kostenfestsetzung
  Vollstreckung Gerichtsvollzieher Pfändung Insolvenz Forderungsanmeldung Gläubiger Schuldner Bürgschaft Sicherheit
  Grundbuch Notar Kaufvertrag Auflassung Vormerkung Teilungserklärung Eigentümerversammlung Beschlussanfechtung
  Handelsregister Gesellschaftsvertrag Geschäftsführer Gesellschafter Anteil Satzung Hauptversammlung Prokura Lieferkette
  Datenschutz Auskunft Löschung Einwilligung Verarbeitung Auftragsverarbeitung Markenrecht Abmahnkosten Unterlassung`
  .split(/\s+/).filter(Boolean)

// Names and places make the rare words real text has: 300 surnames (one in ~1 % of tickets) and
// 3,000 streets (one in a few dozen tickets), put into some replies.
const syllables = ['Ober', 'Unter', 'Neu', 'Alt', 'Gross', 'Klein', 'Berg', 'Wald', 'Feld', 'Stein', 'Hof', 'Bach', 'Brunn', 'Linden',
  'Eichen', 'Tannen', 'Rosen', 'Sonnen', 'Winter', 'Sommer']
const surnames = syllables.flatMap(start => ['mann', 'meier', 'huber', 'bauer', 'berger', 'müller', 'schmidt', 'hofer', 'ler', 'inger',
  'mayr', 'reiter', 'thaler', 'wald', 'feld'].map(end => `${start}${end}`))
const streets = surnames.slice(0, 100).flatMap(start => ['straße', 'weg', 'gasse', 'allee', 'ring', 'platz', 'damm', 'ufer', 'steig', 'pfad',
  'chaussee', 'hang', 'anger', 'markt', 'graben', 'kamp', 'brink', 'horst', 'wiese', 'garten', 'höhe', 'tor', 'hain', 'grund', 'blick',
  'eck', 'aue', 'berg', 'tal', 'heide'].map(end => `${start}${end}`))

export async function seedTickets(sql: postgres.Sql, scale: Scale, tag: string): Promise<void> {
  const words = vocabulary
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`
    await tx`set local synchronous_commit = off`
    // People: staff first, then one user per client (all created now: inside the grace period).
    await seedPeople(tx, tag, { staff: scale.staff, clients: scale.clients })
    await tx`
      insert into public.matters (client_id, title, reference)
      select c.id, format('Akte %s', m), format('BA-%s-%s-%s', ${tag}::text, split_part(c.reference_number, '-', 3), m)
        from public.clients as c cross join generate_series(1, 2) as m
       where c.reference_number like ${`B-${tag}-%`}`

    // Tickets: statuses and priorities in helpdesk proportions, 70 % assigned, half about a matter,
    // created over two years.
    await tx`
      with staff as (select array_agg(s.user_id order by s.user_id) as ids from public.staff as s
                      join auth.users as u on u.id = s.user_id where u.raw_user_meta_data ->> 'bench' = ${tag}),
           owners as (select cm.client_id, cm.user_id from public.client_members as cm
                       join public.clients as c on c.id = cm.client_id where c.reference_number like ${`B-${tag}-%`})
      insert into public.tickets (subject, status, priority, category, client_id, matter_id, created_by, requester_id, assignee_id,
                                  created_at, updated_at, last_activity_at, closed_at)
      select format('%s %s', (${words}::text[])[1 + floor(random() * 40)::int], (${words}::text[])[1 + floor(random() * ${words.length})::int]),
             status, (array['low', 'normal', 'normal', 'normal', 'high', 'urgent'])[1 + floor(random() * 6)::int],
             (array['general', 'documents', 'appointments', 'billing', 'technical'])[1 + floor(random() * 5)::int],
             o.client_id,
             case when random() < 0.5 then (select m.id from public.matters as m where m.client_id = o.client_id order by m.reference limit 1) end,
             o.user_id, o.user_id,
             case when random() < 0.7 then staff.ids[1 + floor(random() * cardinality(staff.ids))::int] end,
             created, created, created + random() * interval '20 days',
             case when status = 'closed' then created + interval '21 days' end
        from owners as o cross join staff cross join generate_series(1, ${scale.ticketsPerClient}) as n
        cross join lateral (select now() - random() * interval '730 days' as created,
                                   (array['open', 'open', 'pending', 'resolved', 'resolved', 'closed', 'closed', 'closed'])[1 + floor(random() * 8)::int] as status
                             -- referring to the row makes Postgres draw anew for each ticket
                             where n > 0 and o.user_id is not null) as fresh`

    // Replies alternate between the requester and the assignee; a note on every ticket.
    await tx`
      insert into public.ticket_replies (ticket_id, author_id, body, created_at)
      select t.id, case when r % 2 = 1 or t.assignee_id is null then t.requester_id else t.assignee_id end,
             (select string_agg((${words}::text[])[1 + floor(${words.length} * power(random(), 2.5))::int], ' ')
                from generate_series(1, 10) where r > 0 and t.id is not null)
             || case when random() < 0.3 then ' Herr ' || (${surnames}::text[])[1 + floor(random() * ${surnames.length})::int] else '' end
             || case when random() < 0.1 then ' ' || (${streets}::text[])[1 + floor(random() * ${streets.length})::int] || ' ' || (1 + floor(random() * 90))::int else '' end,
             t.created_at + r * interval '1 hour'
        from public.tickets as t cross join generate_series(1, ${scale.repliesPerTicket}) as r
        join public.clients as c on c.id = t.client_id
       where c.reference_number like ${`B-${tag}-%`}`
    await tx`
      insert into public.ticket_internal_notes (ticket_id, author_id, body, created_at)
      select t.id, coalesce(t.assignee_id, (select s.user_id from public.staff as s limit 1)),
             'Intern: ' || (select string_agg((${words}::text[])[1 + floor(${words.length} * power(random(), 2.5))::int], ' ')
                              from generate_series(1, 10) where t.id is not null),
             t.created_at + interval '30 minutes'
        from public.tickets as t join public.clients as c on c.id = t.client_id
       where c.reference_number like ${`B-${tag}-%`}`

    // What people have seen: requester and assignee most of their tickets, up to some time
    // before the last activity (so some tickets hold news for them).
    await tx`
      insert into public.ticket_reads (user_id, ticket_id, seen_at)
      select p.user_id, t.id, t.last_activity_at - case when random() < 0.2 then interval '1 day' else interval '0' end
        from public.tickets as t join public.clients as c on c.id = t.client_id
        cross join lateral (values (t.requester_id), (t.assignee_id)) as p(user_id)
       where c.reference_number like ${`B-${tag}-%`} and p.user_id is not null and random() < 0.8
      on conflict do nothing`

    // What the triggers would have derived: the search documents.
    await tx`
      insert into private.ticket_search (ticket_id, conversation, internal_notes)
      select t.id,
             setweight(to_tsvector('german', t.subject), 'A')
             || to_tsvector('german', coalesce((select string_agg(r.body, E'\n') from public.ticket_replies as r where r.ticket_id = t.id), '')),
             to_tsvector('german', coalesce((select string_agg(n.body, E'\n') from public.ticket_internal_notes as n where n.ticket_id = t.id), ''))
        from public.tickets as t join public.clients as c on c.id = t.client_id
       where c.reference_number like ${`B-${tag}-%`}`
  })
  await sql`analyze public.tickets`
  await sql`analyze public.ticket_replies`
  await sql`analyze public.ticket_internal_notes`
  await sql`analyze private.ticket_search`
  await sql`analyze public.client_members`
  await sql`analyze public.ticket_reads`
}

/** Search words by how many tickets contain them: [rare, typical (~1 %), common]. */
export async function searchTerms(sql: postgres.Sql, tag: string, tickets: number): Promise<{ rare: string, typical: string, common: string }> {
  const documents = `select s.conversation from private.ticket_search as s join public.tickets as t on t.id = s.ticket_id
                       join public.clients as c on c.id = t.client_id where c.reference_number like 'B-${tag}-%'`
  // Each word the seed writes, with the number of tickets holding its German stem.
  const stats = await sql<Array<{ word: string, ndoc: number }>>`
    with stems as (select word, ndoc from ts_stat(${documents})),
         vocabulary as (select w, strip(to_tsvector('german', w))::text as lexeme from unnest(${[...vocabulary, ...surnames, ...streets]}::text[]) as w)
    select v.w as word, s.ndoc::int from vocabulary as v join stems as s on quote_literal(s.word) = v.lexeme order by s.ndoc`
  const closest = (target: number) => stats.reduce((best, row) => (Math.abs(row.ndoc - target) < Math.abs(best.ndoc - target) ? row : best)).word
  return { rare: closest(Math.max(2, tickets * 0.0005)), typical: closest(tickets * 0.01), common: closest(tickets * 0.1) }
}
