-- Demo data for local development (`make dev`, `make reset`). Never run against production.
-- Every demo account uses the password printed by `make dev`: Demo-Zugang-lokal-2026
-- (local only; bcrypt `$2a$` hashes as GoTrue stores them).

-- Accounts: the lawyer, two employees, the users of three clients and a guest. All are created
-- now, so they are inside their 3-day grace period without a second factor: a newcomer can sign
-- in at once and try enrolling TOTP or the e-mail code. The trigger on auth.users creates their
-- profiles (name and language from the metadata).
insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
  confirmation_token, recovery_token, email_change_token_new, email_change, email_change_token_current, reauthentication_token
)
select '00000000-0000-0000-0000-000000000000', account.id, 'authenticated', 'authenticated', account.email,
       extensions.crypt('Demo-Zugang-lokal-2026', extensions.gen_salt('bf', 10)), now(),
       '{"provider":"email","providers":["email"],"demo":true}'::jsonb,
       jsonb_build_object('display_name', account.display_name, 'locale', account.locale),
       now(), now(), '', '', '', '', '', ''
from (values
  ('00000000-0000-4000-a000-000000000001'::uuid, 'anwaeltin@kanzlei.example', 'Dr. Katharina Weber', 'de'),
  ('00000000-0000-4000-a000-000000000002'::uuid, 'sekretariat@kanzlei.example', 'Jonas Becker', 'de'),
  ('00000000-0000-4000-a000-000000000003'::uuid, 'assistenz@kanzlei.example', 'Mira Schulz', 'de'),
  ('00000000-0000-4000-a000-000000000011'::uuid, 'k.mueller@mueller-bau.example', 'Klaus Müller', 'de'),
  ('00000000-0000-4000-a000-000000000012'::uuid, 's.wagner@mueller-bau.example', 'Sabine Wagner', 'de'),
  ('00000000-0000-4000-a000-000000000021'::uuid, 'anna.schmidt@example.org', 'Anna Schmidt', 'de'),
  ('00000000-0000-4000-a000-000000000031'::uuid, 'p.hansen@nordlicht.example', 'Peter Hansen', 'en'),
  ('00000000-0000-4000-a000-000000000041'::uuid, 'gutachter@ing-richter.example', 'Dipl.-Ing. Tobias Richter', 'de')
) as account (id, email, display_name, locale);

insert into auth.identities (id, user_id, provider_id, provider, identity_data, last_sign_in_at, created_at, updated_at)
select gen_random_uuid(), u.id, u.id::text, 'email',
       jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true, 'phone_verified', false),
       null, now(), now()
from auth.users u
where u.raw_app_meta_data ->> 'demo' = 'true';

-- ---------------------------------------------------------------------------------------------
-- The demo firm: Dr. Weber (admin), Jonas Becker and Mira Schulz (staff); clients Müller Bau GmbH
-- (two users), Anna Schmidt (private person) and Nordlicht Logistik AG; the group "Bau und
-- Logistik"; matters, one with an outside expert as guest; pages, appointments, threads, tickets
-- (one with an internal note) and document rows (no files behind them).
-- Inserted as postgres: triggers still fill in notifications, history and broadcasts.
-- ---------------------------------------------------------------------------------------------

insert into public.staff (user_id, is_admin) values
  ('00000000-0000-4000-a000-000000000001', true),
  ('00000000-0000-4000-a000-000000000002', false),
  ('00000000-0000-4000-a000-000000000003', false);

insert into public.clients (id, kind, name, reference_number) values
  ('00000000-0000-4000-b000-000000000001', 'company', 'Müller Bau GmbH', 'M-2026-001'),
  ('00000000-0000-4000-b000-000000000002', 'person', 'Anna Schmidt', 'M-2026-002'),
  ('00000000-0000-4000-b000-000000000003', 'company', 'Nordlicht Logistik AG', 'M-2026-003');

insert into public.client_members (client_id, user_id, role) values
  ('00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000011', 'owner'),
  ('00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000012', 'member'),
  ('00000000-0000-4000-b000-000000000002', '00000000-0000-4000-a000-000000000021', 'owner'),
  ('00000000-0000-4000-b000-000000000003', '00000000-0000-4000-a000-000000000031', 'owner');

insert into public.client_groups (id, name, description) values
  ('00000000-0000-4000-b100-000000000001', 'Bau und Logistik', 'Mandanten aus Bauwirtschaft und Logistik');
insert into public.client_group_members (group_id, client_id) values
  ('00000000-0000-4000-b100-000000000001', '00000000-0000-4000-b000-000000000001'),
  ('00000000-0000-4000-b100-000000000001', '00000000-0000-4000-b000-000000000003');

insert into public.matters (id, client_id, title, reference, description, created_by) values
  ('00000000-0000-4000-c000-000000000001', '00000000-0000-4000-b000-000000000001', 'Bauvorhaben Lindenstraße 12',
   '12/26', 'Mängel an der Bodenplatte, Streit mit dem Generalunternehmer', '00000000-0000-4000-a000-000000000001'),
  ('00000000-0000-4000-c000-000000000002', '00000000-0000-4000-b000-000000000001', 'Mietstreit Halle 3',
   '15/26', null, '00000000-0000-4000-a000-000000000001'),
  ('00000000-0000-4000-c000-000000000003', '00000000-0000-4000-b000-000000000002', 'Nachlass Schmidt',
   '21/26', 'Erbschein und Auseinandersetzung der Erbengemeinschaft', '00000000-0000-4000-a000-000000000001'),
  ('00000000-0000-4000-c000-000000000004', '00000000-0000-4000-b000-000000000003', 'Kündigungsschutzklage Meyer',
   '30/26', null, '00000000-0000-4000-a000-000000000001');

insert into public.matter_members (matter_id, user_id, role, added_by) values
  ('00000000-0000-4000-c000-000000000001', '00000000-0000-4000-a000-000000000041', 'guest', '00000000-0000-4000-a000-000000000011'),
  ('00000000-0000-4000-c000-000000000001', '00000000-0000-4000-a000-000000000001', 'staff', '00000000-0000-4000-a000-000000000001'),
  ('00000000-0000-4000-c000-000000000001', '00000000-0000-4000-a000-000000000011', 'client', '00000000-0000-4000-a000-000000000001');

insert into public.pages (id, title, body, published, pinned, created_by) values
  ('00000000-0000-4000-d000-000000000001', 'Ihr Bauvorhaben: Ablauf und Ansprechpartner',
   E'## So geht es weiter\n\n1. Ortstermin mit dem Gutachter\n2. Beweissicherung\n3. Verhandlung mit dem Generalunternehmer\n\nFragen? Schreiben Sie uns im Portal.',
   true, true, '00000000-0000-4000-a000-000000000001'),
  ('00000000-0000-4000-d000-000000000002', 'Lieferkettengesetz: Was sich 2027 ändert',
   E'Kurzüberblick für Unternehmen aus **Bau und Logistik**.', true, false, '00000000-0000-4000-a000-000000000001'),
  ('00000000-0000-4000-d000-000000000003', 'Erbschein: Unterlagen (Entwurf)',
   E'- Sterbeurkunde\n- Testament\n- Personalausweis', false, false, '00000000-0000-4000-a000-000000000002');
insert into public.page_audiences (page_id, client_id, group_id) values
  ('00000000-0000-4000-d000-000000000001', '00000000-0000-4000-b000-000000000001', null),
  ('00000000-0000-4000-d000-000000000002', null, '00000000-0000-4000-b100-000000000001'),
  ('00000000-0000-4000-d000-000000000003', '00000000-0000-4000-b000-000000000002', null);

insert into public.appointments (page_id, client_id, title, starts_at, ends_at, location, created_by) values
  ('00000000-0000-4000-d000-000000000001', null, 'Ortstermin Lindenstraße 12',
   date_trunc('day', now()) + interval '7 days 10 hours', date_trunc('day', now()) + interval '7 days 12 hours',
   'Lindenstraße 12, Baustelle', '00000000-0000-4000-a000-000000000001'),
  (null, '00000000-0000-4000-b000-000000000002', 'Besprechung Testament',
   date_trunc('day', now()) + interval '3 days 14 hours', date_trunc('day', now()) + interval '3 days 15 hours',
   'Kanzlei, Besprechungsraum 1', '00000000-0000-4000-a000-000000000002');

insert into public.conversations (id, kind, subject, client_id, matter_id, created_by) values
  ('00000000-0000-4000-e000-000000000001', 'thread', 'Gutachten Bodenplatte', '00000000-0000-4000-b000-000000000001',
   '00000000-0000-4000-c000-000000000001', '00000000-0000-4000-a000-000000000011'),
  ('00000000-0000-4000-e000-000000000002', 'thread', 'Fragen zum Erbschein', '00000000-0000-4000-b000-000000000002',
   null, '00000000-0000-4000-a000-000000000021'),
  ('00000000-0000-4000-e000-000000000003', 'chat', null, '00000000-0000-4000-b000-000000000003',
   null, '00000000-0000-4000-a000-000000000031');
insert into public.conversation_participants (conversation_id, user_id) values
  ('00000000-0000-4000-e000-000000000001', '00000000-0000-4000-a000-000000000011'),
  ('00000000-0000-4000-e000-000000000001', '00000000-0000-4000-a000-000000000041'),
  ('00000000-0000-4000-e000-000000000001', '00000000-0000-4000-a000-000000000001'),
  ('00000000-0000-4000-e000-000000000002', '00000000-0000-4000-a000-000000000021'),
  ('00000000-0000-4000-e000-000000000002', '00000000-0000-4000-a000-000000000002'),
  ('00000000-0000-4000-e000-000000000003', '00000000-0000-4000-a000-000000000031'),
  ('00000000-0000-4000-e000-000000000003', '00000000-0000-4000-a000-000000000003');
insert into public.messages (conversation_id, author_id, body, created_at) values
  ('00000000-0000-4000-e000-000000000001', '00000000-0000-4000-a000-000000000011',
   'Herr Richter, können Sie die Risse in der Bodenplatte bis Ende des Monats begutachten?', now() - interval '2 days'),
  ('00000000-0000-4000-e000-000000000001', '00000000-0000-4000-a000-000000000041',
   'Ja, ich schlage den Ortstermin am kommenden Mittwoch vor.', now() - interval '1 day'),
  ('00000000-0000-4000-e000-000000000001', '00000000-0000-4000-a000-000000000001',
   'Passt. Ich nehme den Termin in die Sonderseite auf.', now() - interval '20 hours'),
  ('00000000-0000-4000-e000-000000000002', '00000000-0000-4000-a000-000000000021',
   'Welche Unterlagen brauche ich für den Erbschein?', now() - interval '3 hours'),
  ('00000000-0000-4000-e000-000000000003', '00000000-0000-4000-a000-000000000031',
   'Good morning, is the hearing date confirmed?', now() - interval '30 minutes');

insert into public.tickets (id, subject, status, priority, category, client_id, matter_id, created_by, assignee_id) values
  ('00000000-0000-4000-f000-000000000001', 'Rechnung März: Position 4 unklar', 'open', 'normal', 'billing',
   '00000000-0000-4000-b000-000000000001', null, '00000000-0000-4000-a000-000000000012', '00000000-0000-4000-a000-000000000002'),
  ('00000000-0000-4000-f000-000000000002', 'Fotos der Bodenplatte hochladen', 'open', 'high', 'documents',
   '00000000-0000-4000-b000-000000000001', '00000000-0000-4000-c000-000000000001', '00000000-0000-4000-a000-000000000041', null),
  ('00000000-0000-4000-f000-000000000003', 'Sterbeurkunde fehlt', 'open', 'normal', 'documents',
   '00000000-0000-4000-b000-000000000002', '00000000-0000-4000-c000-000000000003', '00000000-0000-4000-a000-000000000021', null);
insert into public.ticket_replies (ticket_id, author_id, body) values
  ('00000000-0000-4000-f000-000000000001', '00000000-0000-4000-a000-000000000012', 'Was ist mit „Auslagenpauschale II“ gemeint?'),
  ('00000000-0000-4000-f000-000000000001', '00000000-0000-4000-a000-000000000002', 'Das sind die Reisekosten zum Ortstermin. Ich schicke eine Aufstellung.'),
  ('00000000-0000-4000-f000-000000000002', '00000000-0000-4000-a000-000000000041', 'Wohin sollen die Fotos vom Ortstermin?'),
  ('00000000-0000-4000-f000-000000000003', '00000000-0000-4000-a000-000000000021', 'Die Sterbeurkunde kommt erst nächste Woche vom Standesamt.');
insert into public.ticket_internal_notes (ticket_id, author_id, body) values
  ('00000000-0000-4000-f000-000000000001', '00000000-0000-4000-a000-000000000001',
   'Intern: Pauschale war zu hoch angesetzt, bei Rückfrage 50 € gutschreiben.');
update public.tickets set status = 'pending' where id = '00000000-0000-4000-f000-000000000003';

-- ---------------------------------------------------------------------------------------------
-- Tickets: a helpdesk with history. Six more tickets in every status, one opened by staff for a
-- client (Nordlicht, in English), replies and status changes spread over the last two weeks, who
-- took which ticket, and what each person has seen: Klaus Müller has one ticket with an answer he
-- has not read yet, Jonas Becker a queue with news. Triggers wrote history, read marks and mails
-- at seeding time; the history and read marks are replaced by the timeline below, and no demo mail
-- is left waiting.
-- ---------------------------------------------------------------------------------------------

insert into public.tickets (id, subject, status, priority, category, client_id, matter_id, created_by, requester_id, assignee_id, created_at) values
  ('00000000-0000-4000-f000-000000000004', 'Zugang für unsere Buchhaltung', 'open', 'normal', 'technical',
   '00000000-0000-4000-b000-000000000001', null, '00000000-0000-4000-a000-000000000011', '00000000-0000-4000-a000-000000000011',
   '00000000-0000-4000-a000-000000000003', now() - interval '6 days'),
  ('00000000-0000-4000-f000-000000000005', 'Ortstermin verschieben?', 'open', 'high', 'appointments',
   '00000000-0000-4000-b000-000000000001', '00000000-0000-4000-c000-000000000001', '00000000-0000-4000-a000-000000000011',
   '00000000-0000-4000-a000-000000000011', '00000000-0000-4000-a000-000000000001', now() - interval '2 days'),
  ('00000000-0000-4000-f000-000000000006', 'Hearing date confirmation', 'open', 'normal', 'general',
   '00000000-0000-4000-b000-000000000003', null, '00000000-0000-4000-a000-000000000031', '00000000-0000-4000-a000-000000000031',
   '00000000-0000-4000-a000-000000000002', now() - interval '5 hours'),
  ('00000000-0000-4000-f000-000000000007', 'Kostenvorschuss Erbscheinverfahren', 'open', 'normal', 'billing',
   '00000000-0000-4000-b000-000000000002', '00000000-0000-4000-c000-000000000003', '00000000-0000-4000-a000-000000000021',
   '00000000-0000-4000-a000-000000000021', '00000000-0000-4000-a000-000000000002', now() - interval '14 days'),
  ('00000000-0000-4000-f000-000000000008', 'Unterschriebene Vollmacht', 'open', 'low', 'documents',
   '00000000-0000-4000-b000-000000000001', '00000000-0000-4000-c000-000000000002', '00000000-0000-4000-a000-000000000012',
   '00000000-0000-4000-a000-000000000012', '00000000-0000-4000-a000-000000000003', now() - interval '9 days'),
  ('00000000-0000-4000-f000-000000000009', 'Documents for the dismissal case', 'open', 'high', 'documents',
   '00000000-0000-4000-b000-000000000003', '00000000-0000-4000-c000-000000000004', '00000000-0000-4000-a000-000000000002',
   '00000000-0000-4000-a000-000000000031', '00000000-0000-4000-a000-000000000002', now() - interval '3 days');
-- The tickets of the first section were opened by their requesters.
update public.tickets set requester_id = created_by where requester_id is null;

insert into public.ticket_replies (ticket_id, author_id, body, created_at) values
  ('00000000-0000-4000-f000-000000000004', '00000000-0000-4000-a000-000000000011',
   'Bitte richten Sie für unsere Buchhalterin Frau Wagner einen Zugang zum Portal ein, damit sie die Rechnungen selbst abrufen kann.', now() - interval '6 days'),
  ('00000000-0000-4000-f000-000000000004', '00000000-0000-4000-a000-000000000003',
   'Frau Wagner hat soeben eine Einladung per E-Mail erhalten. Beim ersten Anmelden richtet sie einen zweiten Faktor ein.', now() - interval '5 days 22 hours'),
  ('00000000-0000-4000-f000-000000000004', '00000000-0000-4000-a000-000000000011', 'Hat geklappt, vielen Dank!', now() - interval '5 days 20 hours'),
  ('00000000-0000-4000-f000-000000000005', '00000000-0000-4000-a000-000000000011',
   'Der Ortstermin am Mittwoch passt bei uns nicht. Können wir auf Donnerstag verschieben?', now() - interval '2 days'),
  ('00000000-0000-4000-f000-000000000005', '00000000-0000-4000-a000-000000000001',
   'Donnerstag, 10 Uhr, ist möglich. Bitte klären Sie noch, ob Herr Richter als Gutachter dann Zeit hat, und geben Sie mir kurz Bescheid.', now() - interval '3 hours'),
  ('00000000-0000-4000-f000-000000000006', '00000000-0000-4000-a000-000000000031',
   'Good morning, could you confirm whether the hearing on the 14th is still on? Our HR manager needs to plan her attendance.', now() - interval '5 hours'),
  ('00000000-0000-4000-f000-000000000007', '00000000-0000-4000-a000-000000000021',
   'Das Nachlassgericht verlangt einen Kostenvorschuss. Muss ich den selbst überweisen?', now() - interval '14 days'),
  ('00000000-0000-4000-f000-000000000007', '00000000-0000-4000-a000-000000000002',
   'Ja, bitte überweisen Sie den Vorschuss direkt an die Gerichtskasse; das Aktenzeichen steht auf dem Schreiben. Wir rechnen ihn später mit den Erben ab.', now() - interval '13 days'),
  ('00000000-0000-4000-f000-000000000007', '00000000-0000-4000-a000-000000000021', 'Erledigt, danke für die schnelle Antwort.', now() - interval '12 days'),
  ('00000000-0000-4000-f000-000000000008', '00000000-0000-4000-a000-000000000012',
   'Die unterschriebene Vollmacht für den Mietstreit liegt seit heute im Briefkasten der Kanzlei.', now() - interval '9 days'),
  ('00000000-0000-4000-f000-000000000008', '00000000-0000-4000-a000-000000000003', 'Ist angekommen, danke. Wir schließen das Ticket.', now() - interval '8 days'),
  ('00000000-0000-4000-f000-000000000009', '00000000-0000-4000-a000-000000000002',
   'Dear Mr Hansen, for the dismissal case we still need Mr Meyer''s employment contract and the termination letter. Could you upload both here?', now() - interval '3 days');
insert into public.ticket_internal_notes (ticket_id, author_id, body, created_at) values
  ('00000000-0000-4000-f000-000000000005', '00000000-0000-4000-a000-000000000001',
   'Intern: Gutachter Richter hat Donnerstag vormittags laut Kalender frei; Raum 2 ist reserviert.', now() - interval '2 hours'),
  ('00000000-0000-4000-f000-000000000009', '00000000-0000-4000-a000-000000000002',
   'Intern: Frist für die Klageerwiderung läuft am 20. ab, bei Bedarf Fristverlängerung beantragen.', now() - interval '2 days 20 hours');

update public.tickets as t set status = final.status
  from (values ('00000000-0000-4000-f000-000000000004'::uuid, 'resolved'), ('00000000-0000-4000-f000-000000000005', 'pending'),
               ('00000000-0000-4000-f000-000000000007', 'closed'), ('00000000-0000-4000-f000-000000000008', 'closed'),
               ('00000000-0000-4000-f000-000000000009', 'pending')) as final (id, status)
 where t.id = final.id;

-- The timeline as it happened (the triggers wrote everything at seeding time).
delete from public.ticket_status_history where ticket_id in (select id from public.tickets where created_at < now() - interval '1 hour');
insert into public.ticket_status_history (ticket_id, from_status, to_status, changed_by, changed_at)
select t.id, step.from_status, step.to_status, step.changed_by, step.changed_at
  from public.tickets as t
  join (values
    ('00000000-0000-4000-f000-000000000004'::uuid, null, 'open', '00000000-0000-4000-a000-000000000011'::uuid, now() - interval '6 days'),
    ('00000000-0000-4000-f000-000000000004', 'open', 'resolved', '00000000-0000-4000-a000-000000000003', now() - interval '5 days 19 hours'),
    ('00000000-0000-4000-f000-000000000005', null, 'open', '00000000-0000-4000-a000-000000000011', now() - interval '2 days'),
    ('00000000-0000-4000-f000-000000000005', 'open', 'pending', '00000000-0000-4000-a000-000000000001', now() - interval '3 hours'),
    ('00000000-0000-4000-f000-000000000006', null, 'open', '00000000-0000-4000-a000-000000000031', now() - interval '5 hours'),
    ('00000000-0000-4000-f000-000000000007', null, 'open', '00000000-0000-4000-a000-000000000021', now() - interval '14 days'),
    ('00000000-0000-4000-f000-000000000007', 'open', 'resolved', '00000000-0000-4000-a000-000000000002', now() - interval '13 days'),
    ('00000000-0000-4000-f000-000000000007', 'resolved', 'closed', '00000000-0000-4000-a000-000000000021', now() - interval '12 days'),
    ('00000000-0000-4000-f000-000000000008', null, 'open', '00000000-0000-4000-a000-000000000012', now() - interval '9 days'),
    ('00000000-0000-4000-f000-000000000008', 'open', 'closed', '00000000-0000-4000-a000-000000000003', now() - interval '8 days'),
    ('00000000-0000-4000-f000-000000000009', null, 'open', '00000000-0000-4000-a000-000000000002', now() - interval '3 days'),
    ('00000000-0000-4000-f000-000000000009', 'open', 'pending', '00000000-0000-4000-a000-000000000002', now() - interval '3 days')
  ) as step (ticket_id, from_status, to_status, changed_by, changed_at) on step.ticket_id = t.id;
update public.tickets set closed_at = now() - interval '12 days' where id = '00000000-0000-4000-f000-000000000007';
update public.tickets set closed_at = now() - interval '8 days' where id = '00000000-0000-4000-f000-000000000008';
insert into public.ticket_field_changes (ticket_id, field, from_value, to_value, changed_by, changed_at) values
  ('00000000-0000-4000-f000-000000000004', 'assignee', null, '00000000-0000-4000-a000-000000000003', '00000000-0000-4000-a000-000000000003', now() - interval '5 days 23 hours'),
  ('00000000-0000-4000-f000-000000000005', 'assignee', null, '00000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000001', now() - interval '1 day'),
  ('00000000-0000-4000-f000-000000000005', 'priority', 'normal', 'high', '00000000-0000-4000-a000-000000000001', now() - interval '1 day'),
  ('00000000-0000-4000-f000-000000000006', 'assignee', null, '00000000-0000-4000-a000-000000000002', '00000000-0000-4000-a000-000000000003', now() - interval '4 hours'),
  ('00000000-0000-4000-f000-000000000007', 'assignee', null, '00000000-0000-4000-a000-000000000002', '00000000-0000-4000-a000-000000000002', now() - interval '13 days'),
  ('00000000-0000-4000-f000-000000000008', 'assignee', null, '00000000-0000-4000-a000-000000000003', '00000000-0000-4000-a000-000000000003', now() - interval '8 days');
update public.tickets as t
   set last_activity_at = greatest(t.created_at,
         coalesce((select max(r.created_at) from public.ticket_replies as r where r.ticket_id = t.id), t.created_at),
         coalesce((select max(h.changed_at) from public.ticket_status_history as h where h.ticket_id = t.id), t.created_at),
         coalesce((select max(c.changed_at) from public.ticket_field_changes as c where c.ticket_id = t.id and c.field = 'assignee'), t.created_at));

-- What each person has seen: everything up to their own last word, and Klaus Müller has not yet
-- read Dr. Weber's answer about the site visit. Staff have seen all but the newest news.
delete from public.ticket_reads;
insert into public.ticket_reads (user_id, ticket_id, seen_at)
select r.author_id, r.ticket_id, max(r.created_at) from public.ticket_replies as r where r.author_id is not null group by r.author_id, r.ticket_id
on conflict do nothing;
insert into public.ticket_reads (user_id, ticket_id, seen_at) values
  ('00000000-0000-4000-a000-000000000011', '00000000-0000-4000-f000-000000000004', now() - interval '5 days'),
  ('00000000-0000-4000-a000-000000000011', '00000000-0000-4000-f000-000000000002', now()),
  ('00000000-0000-4000-a000-000000000012', '00000000-0000-4000-f000-000000000004', now() - interval '5 days'),
  ('00000000-0000-4000-a000-000000000003', '00000000-0000-4000-f000-000000000004', now() - interval '5 days'),
  ('00000000-0000-4000-a000-000000000002', '00000000-0000-4000-f000-000000000005', now() - interval '1 hour'),
  ('00000000-0000-4000-a000-000000000031', '00000000-0000-4000-f000-000000000009', now() - interval '2 days')
on conflict (user_id, ticket_id) do update set seen_at = excluded.seen_at;
delete from ops.notification_mails;

-- Document rows only (no files): one released to the client, one still waiting for release.
insert into public.documents (id, matter_id, name, size_bytes, mime_type, sha256, uploaded_by, uploaded_at, released_at, released_by) values
  ('00000000-0000-4000-9000-000000000001', '00000000-0000-4000-c000-000000000001', 'Bauvertrag unterschrieben.pdf', 482133,
   'application/pdf', 'a3f1c0de5b7e4b1f9d2e6c8a0b4d3e2f1a5c7e9b0d2f4a6c8e0b2d4f6a8c0e2f', '00000000-0000-4000-a000-000000000002',
   now() - interval '5 days', now() - interval '5 days', '00000000-0000-4000-a000-000000000001'),
  ('00000000-0000-4000-9000-000000000002', '00000000-0000-4000-c000-000000000001', 'Entwurf Klageschrift.docx', 73412,
   'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
   '5e2d8f1a7c3b9e0d4f6a2c8e1b5d7f9a3c0e2b4d6f8a1c3e5b7d9f0a2c4e6b8d', '00000000-0000-4000-a000-000000000001',
   now() - interval '1 day', null, null);

-- ---------------------------------------------------------------------------------------------
-- Matters and documents (issue 14): folders, a release note, a second version waiting for
-- release, a client upload the firm has not opened yet, a deleted draft, an appointment of the
-- Lindenstraße matter and a closed matter. Rows only: `make dev` uploads a generated file for each
-- document and records its true size and SHA-256 (scripts/demo-files.ts).
-- ---------------------------------------------------------------------------------------------

update public.documents set folder = 'Verträge', release_note = 'Unterschriebene Fassung zu Ihren Unterlagen.'
 where id = '00000000-0000-4000-9000-000000000001';
update public.documents set folder = 'Schriftsätze' where id = '00000000-0000-4000-9000-000000000002';
insert into public.documents (id, matter_id, name, folder, size_bytes, mime_type, sha256, uploaded_by, uploaded_at,
                              released_at, released_by, previous_version_id, version, deleted_at, deleted_by) values
  ('00000000-0000-4000-9000-000000000003', '00000000-0000-4000-c000-000000000001', 'Fotos Bodenplatte Riss Nord.png', 'Gutachten',
   2841120, 'image/png', 'c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2', '00000000-0000-4000-a000-000000000041',
   now() - interval '3 hours', now() - interval '3 hours', '00000000-0000-4000-a000-000000000041', null, 1, null, null),
  ('00000000-0000-4000-9000-000000000004', '00000000-0000-4000-c000-000000000001', 'Bauvertrag unterschrieben.pdf', 'Verträge',
   490221, 'application/pdf', 'd4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5', '00000000-0000-4000-a000-000000000002',
   now() - interval '2 hours', null, null, '00000000-0000-4000-9000-000000000001', 2, null, null),
  ('00000000-0000-4000-9000-000000000005', '00000000-0000-4000-c000-000000000003', 'Testament Kopie.pdf', null,
   152034, 'application/pdf', 'e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6', '00000000-0000-4000-a000-000000000021',
   now() - interval '1 day', now() - interval '1 day', '00000000-0000-4000-a000-000000000021', null, 1, null, null),
  ('00000000-0000-4000-9000-000000000006', '00000000-0000-4000-c000-000000000002', 'Entwurf Mahnung alt.docx', 'Schriftsätze',
   20480, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
   'f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7', '00000000-0000-4000-a000-000000000003',
   now() - interval '4 days', null, null, null, 1, now() - interval '3 days', '00000000-0000-4000-a000-000000000003');

insert into public.matters (id, client_id, title, reference, description, status, closed_at, closed_by, created_by) values
  ('00000000-0000-4000-c000-000000000005', '00000000-0000-4000-b000-000000000003', 'Forderung Spedition Krause',
   '08/25', 'Vergleich geschlossen, Zahlung eingegangen', 'closed', now() - interval '20 days',
   '00000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000001');
insert into public.matter_members (matter_id, user_id, role, added_by) values
  ('00000000-0000-4000-c000-000000000003', '00000000-0000-4000-a000-000000000002', 'staff', '00000000-0000-4000-a000-000000000001'),
  ('00000000-0000-4000-c000-000000000004', '00000000-0000-4000-a000-000000000003', 'staff', '00000000-0000-4000-a000-000000000001');
insert into public.appointments (client_id, matter_id, title, starts_at, ends_at, location, created_by) values
  ('00000000-0000-4000-b000-000000000001', '00000000-0000-4000-c000-000000000001', 'Beweissicherung mit dem Gutachter',
   date_trunc('day', now()) + interval '10 days 9 hours', date_trunc('day', now()) + interval '10 days 11 hours',
   'Lindenstraße 12, Baustelle', '00000000-0000-4000-a000-000000000001');

-- ---------------------------------------------------------------------------------------------
-- Sonderseiten and Termine: a page only Nordlicht sees, a pinned one for Anna Schmidt, an
-- archived one; the group page gets an online briefing. Klaus Müller has read his project page
-- and confirmed the site visit; Peter Hansen has not opened his page yet (it stays marked new).
-- Times are on the Berlin clock. Page history, slugs and notifications come from the triggers.
-- ---------------------------------------------------------------------------------------------

insert into public.pages (id, title, body, published, pinned, created_by) values
  ('00000000-0000-4000-d000-000000000004', 'Kündigungsschutzklage Meyer: die nächsten Schritte',
   E'## Gütetermin\n\nDas Arbeitsgericht Hamburg hat den **Gütetermin** angesetzt. Bitte bringen Sie mit:\n\n'
   || E'- den Arbeitsvertrag von Herrn Meyer\n- die Abmahnungen\n- die Kündigung mit Zustellnachweis\n\n'
   || E'Zum Ablauf einer Güteverhandlung: [Informationen des Bundesministeriums der Justiz](https://www.bmj.de/).',
   true, false, '00000000-0000-4000-a000-000000000001'),
  ('00000000-0000-4000-d000-000000000005', 'Nachlass Schmidt: Stand der Dinge',
   E'Liebe Frau Schmidt,\n\nder **Erbscheinsantrag** ist beim Nachlassgericht eingegangen. Sobald der Erbschein vorliegt, '
   || E'besprechen wir die Auseinandersetzung der Erbengemeinschaft.\n\n> Bitte heben Sie alle Kontoauszüge des Erblassers auf.',
   true, true, '00000000-0000-4000-a000-000000000002'),
  ('00000000-0000-4000-d000-000000000006', 'Weihnachtsgrüße 2025',
   E'Die Kanzlei ist vom 24.12. bis 1.1. geschlossen.', true, false, '00000000-0000-4000-a000-000000000002');
insert into public.page_audiences (page_id, client_id, group_id) values
  ('00000000-0000-4000-d000-000000000004', '00000000-0000-4000-b000-000000000003', null),
  ('00000000-0000-4000-d000-000000000005', '00000000-0000-4000-b000-000000000002', null),
  ('00000000-0000-4000-d000-000000000006', null, '00000000-0000-4000-b100-000000000001');
update public.pages set archived_at = now() - interval '11 months', published = false
 where id = '00000000-0000-4000-d000-000000000006';

insert into public.appointments (id, page_id, client_id, title, description, starts_at, ends_at, location, video_call, created_by) values
  ('00000000-0000-4000-d100-000000000001', '00000000-0000-4000-d000-000000000004', null, 'Gütetermin Arbeitsgericht Hamburg',
   'Saal 2.14, bitte 15 Minuten früher da sein.',
   (date_trunc('day', now() at time zone 'Europe/Berlin') + interval '10 days 9 hours 30 minutes') at time zone 'Europe/Berlin',
   (date_trunc('day', now() at time zone 'Europe/Berlin') + interval '10 days 10 hours 30 minutes') at time zone 'Europe/Berlin',
   'Arbeitsgericht Hamburg, Osterbekstraße 96', false, '00000000-0000-4000-a000-000000000001'),
  ('00000000-0000-4000-d100-000000000002', '00000000-0000-4000-d000-000000000002', null, 'Online-Briefing Lieferkettengesetz',
   'Eine Stunde mit Fragen und Antworten für Bau und Logistik.',
   (date_trunc('day', now() at time zone 'Europe/Berlin') + interval '14 days 16 hours') at time zone 'Europe/Berlin',
   (date_trunc('day', now() at time zone 'Europe/Berlin') + interval '14 days 17 hours') at time zone 'Europe/Berlin',
   null, true, '00000000-0000-4000-a000-000000000001');

-- An appointment for a client without a page, in another time zone (Nordlicht's US partner):
-- /termine shows it on New York's clock and, for a reader in Berlin, on Berlin's.
insert into public.appointments (client_id, title, description, starts_at, ends_at, time_zone, video_call, created_by) values
  ('00000000-0000-4000-b000-000000000003', 'Abstimmung mit der Reederei in New York',
   'Gemeinsam mit dem Anwalt der Reederei: Haftung für die verspäteten Container.',
   (date_trunc('day', now() at time zone 'America/New_York') + interval '12 days 10 hours') at time zone 'America/New_York',
   (date_trunc('day', now() at time zone 'America/New_York') + interval '12 days 11 hours') at time zone 'America/New_York',
   'America/New_York', true, '00000000-0000-4000-a000-000000000001');

insert into public.appointment_responses (appointment_id, client_id, response, responded_by, responded_at)
select ap.id, '00000000-0000-4000-b000-000000000001', 'confirmed', '00000000-0000-4000-a000-000000000011', now() - interval '1 day'
  from public.appointments as ap where ap.title = 'Ortstermin Lindenstraße 12';
insert into public.page_reads (user_id, page_id, read_at) values
  ('00000000-0000-4000-a000-000000000011', '00000000-0000-4000-d000-000000000001', now());

-- ---------------------------------------------------------------------------------------------
-- Administration: contact data and a staff note, so Verwaltung shows a filled client; a download
-- of the released contract by Jonas Becker and a pending invitation, so the audit log and the
-- overview have something to show. Audit events come from the portal's own functions (the hash
-- chain links them like any other event).
-- ---------------------------------------------------------------------------------------------

update public.clients set email = 'buero@mueller-bau.example', phone = '+49 40 555 0101',
       address = 'Elbchaussee 12, 22763 Hamburg'
 where id = '00000000-0000-4000-b000-000000000001';
update public.clients set email = 'anna.schmidt@example.org', phone = '+49 171 555 0202'
 where id = '00000000-0000-4000-b000-000000000002';
insert into public.client_staff_notes (client_id, body, updated_by) values
  ('00000000-0000-4000-b000-000000000001', 'Ansprechpartner Klaus Müller, Rückrufe bitte vormittags.', '00000000-0000-4000-a000-000000000002');
select private.audit('document.downloaded', 'document', '00000000-0000-4000-9000-000000000001',
  '{"name": "Bauvertrag unterschrieben.pdf", "matter_id": "00000000-0000-4000-c000-000000000001"}', '00000000-0000-4000-a000-000000000002');
insert into public.invitations (kind, client_id, role, email, invited_by) values
  ('client', '00000000-0000-4000-b000-000000000003', 'member', 'disposition@nordlicht.example', '00000000-0000-4000-a000-000000000002');

-- ---------------------------------------------------------------------------------------------
-- Messages and chat (issue 12): a thread about the Lindenstraße matter in which Dr. Weber sends
-- a draft as a PDF, Klaus Müller answers quoting it (edited), withdraws a message (deleted, the
-- audit stays) and has not read Jonas Becker's newest news; Peter Hansen's thread about the
-- dismissal case, read by everyone ("gelesen"); Anna Schmidt's chat of yesterday, taken by Jonas
-- Becker and closed; Peter Hansen's chat (first section) still waits for the firm. The PDF is a
-- row here; `make dev` uploads its bytes (scripts/demo-files.ts). A demo client starts a new chat
-- with "Chat beginnen oder fortsetzen" within office hours (Mon–Fri 8–18). Triggers write
-- notifications and broadcasts; no demo mail is left waiting.
-- ---------------------------------------------------------------------------------------------

insert into public.conversations (id, kind, subject, client_id, matter_id, created_by, created_at) values
  ('00000000-0000-4000-e000-000000000004', 'thread', 'Mängelanzeige an den Generalunternehmer', '00000000-0000-4000-b000-000000000001',
   '00000000-0000-4000-c000-000000000001', '00000000-0000-4000-a000-000000000001', now() - interval '3 days'),
  ('00000000-0000-4000-e000-000000000005', 'thread', 'Witnesses for the conciliation hearing', '00000000-0000-4000-b000-000000000003',
   '00000000-0000-4000-c000-000000000004', '00000000-0000-4000-a000-000000000003', now() - interval '1 day 2 hours');
insert into public.conversations (id, kind, client_id, created_by, created_at, chat_status, assigned_to, taken_at, closed_at) values
  ('00000000-0000-4000-e000-000000000006', 'chat', '00000000-0000-4000-b000-000000000002', '00000000-0000-4000-a000-000000000021',
   now() - interval '1 day 10 minutes', 'active', '00000000-0000-4000-a000-000000000002', now() - interval '1 day 9 minutes', null);
insert into public.conversation_participants (conversation_id, user_id, joined_at) values
  ('00000000-0000-4000-e000-000000000004', '00000000-0000-4000-a000-000000000001', now() - interval '3 days'),
  ('00000000-0000-4000-e000-000000000004', '00000000-0000-4000-a000-000000000002', now() - interval '3 days'),
  ('00000000-0000-4000-e000-000000000004', '00000000-0000-4000-a000-000000000011', now() - interval '3 days'),
  ('00000000-0000-4000-e000-000000000005', '00000000-0000-4000-a000-000000000003', now() - interval '1 day 2 hours'),
  ('00000000-0000-4000-e000-000000000005', '00000000-0000-4000-a000-000000000031', now() - interval '1 day 2 hours'),
  ('00000000-0000-4000-e000-000000000006', '00000000-0000-4000-a000-000000000021', now() - interval '1 day 10 minutes'),
  ('00000000-0000-4000-e000-000000000006', '00000000-0000-4000-a000-000000000002', now() - interval '1 day 9 minutes');

-- In the order they were written (the activity trigger keeps the newest as the thread's time).
insert into public.messages (id, conversation_id, author_id, body, quoted_message_id, event, created_at, edited_at) values
  ('00000000-0000-4000-e100-000000000001', '00000000-0000-4000-e000-000000000004', '00000000-0000-4000-a000-000000000001',
   E'Sehr geehrter Herr Müller,\n\nanbei der Entwurf unserer Mängelanzeige an die Hoch & Tief Bau GmbH. Bitte prüfen Sie, ob die Liste der Mängel vollständig ist.\n\nMit freundlichen Grüßen\nKatharina Weber',
   null, null, now() - interval '3 days', null),
  ('00000000-0000-4000-e100-000000000002', '00000000-0000-4000-e000-000000000004', '00000000-0000-4000-a000-000000000011',
   'Danke. Unter Punkt 3 fehlt der Wasserschaden im Keller vom 12. November, die Fotos hat Herr Richter.',
   '00000000-0000-4000-e100-000000000001', null, now() - interval '2 days 22 hours', now() - interval '2 days 21 hours 55 minutes'),
  ('00000000-0000-4000-e100-000000000003', '00000000-0000-4000-e000-000000000004', '00000000-0000-4000-a000-000000000011',
   'Und die Rechnung vom Estrichleger schicke ich gleich noch.', null, null, now() - interval '2 days 21 hours', null),
  ('00000000-0000-4000-e100-000000000004', '00000000-0000-4000-e000-000000000004', '00000000-0000-4000-a000-000000000001',
   'Ist ergänzt. Die Mängelanzeige geht morgen per Einschreiben hinaus, die Frist zur Nachbesserung setzen wir auf drei Wochen.',
   '00000000-0000-4000-e100-000000000002', null, now() - interval '2 days', null),
  ('00000000-0000-4000-e100-000000000005', '00000000-0000-4000-e000-000000000004', '00000000-0000-4000-a000-000000000002',
   'Das Einschreiben ist zugestellt, der Rückschein liegt in der Akte. Die Frist läuft bis zum 24.',
   null, null, now() - interval '5 hours', null),
  ('00000000-0000-4000-e100-000000000006', '00000000-0000-4000-e000-000000000005', '00000000-0000-4000-a000-000000000003',
   'Dear Mr Hansen, for the conciliation hearing we need the names of the colleagues who witnessed the two warnings. Could you send them by Friday?',
   null, null, now() - interval '1 day 2 hours', null),
  ('00000000-0000-4000-e100-000000000007', '00000000-0000-4000-e000-000000000005', '00000000-0000-4000-a000-000000000031',
   'Of course: Ms Jansen (dispatch) and Mr Özdemir (warehouse lead). Both can attend on the date.',
   null, null, now() - interval '22 hours', null),
  ('00000000-0000-4000-e100-000000000008', '00000000-0000-4000-e000-000000000005', '00000000-0000-4000-a000-000000000003',
   'Thank you, noted. We will name both in our statement.', '00000000-0000-4000-e100-000000000007', null, now() - interval '21 hours', null),
  ('00000000-0000-4000-e100-000000000009', '00000000-0000-4000-e000-000000000006', '00000000-0000-4000-a000-000000000021',
   'Guten Tag, ich hätte eine kurze Frage zur Besprechung am Donnerstag.', null, null, now() - interval '1 day 10 minutes', null),
  ('00000000-0000-4000-e100-000000000010', '00000000-0000-4000-e000-000000000006', '00000000-0000-4000-a000-000000000002',
   '', null, 'chat_taken', now() - interval '1 day 9 minutes', null),
  ('00000000-0000-4000-e100-000000000011', '00000000-0000-4000-e000-000000000006', '00000000-0000-4000-a000-000000000002',
   'Guten Tag Frau Schmidt, hier ist Jonas Becker. Worum geht es?', null, null, now() - interval '1 day 8 minutes', null),
  ('00000000-0000-4000-e100-000000000012', '00000000-0000-4000-e000-000000000006', '00000000-0000-4000-a000-000000000021',
   'Darf ich meine Schwester mitbringen? Sie ist Miterbin.', null, null, now() - interval '1 day 7 minutes', null),
  ('00000000-0000-4000-e100-000000000013', '00000000-0000-4000-e000-000000000006', '00000000-0000-4000-a000-000000000002',
   'Ja, gern. Bringen Sie bitte beide Ihre Personalausweise und das Familienstammbuch mit.', null, null, now() - interval '1 day 5 minutes', null),
  ('00000000-0000-4000-e100-000000000014', '00000000-0000-4000-e000-000000000006', '00000000-0000-4000-a000-000000000021',
   'Mache ich, vielen Dank!', null, null, now() - interval '1 day 4 minutes', null),
  ('00000000-0000-4000-e100-000000000015', '00000000-0000-4000-e000-000000000006', '00000000-0000-4000-a000-000000000021',
   '', null, 'chat_closed', now() - interval '1 day 3 minutes', null);
update public.conversations set chat_status = 'closed', closed_at = now() - interval '1 day 3 minutes'
 where id = '00000000-0000-4000-e000-000000000006';
-- Withdrawn by its author: the row stays as "Nachricht gelöscht", the deletion is audited.
update public.messages set deleted_at = now() where id = '00000000-0000-4000-e100-000000000003';

-- Dr. Weber's draft, attached to her first message (released to the thread's readers).
insert into public.documents (id, conversation_id, message_id, name, size_bytes, mime_type, sha256, uploaded_by, uploaded_at, released_at, released_by) values
  ('00000000-0000-4000-9000-000000000007', '00000000-0000-4000-e000-000000000004', '00000000-0000-4000-e100-000000000001',
   'Mängelanzeige Entwurf.pdf', 1, 'application/pdf', repeat('0', 64), '00000000-0000-4000-a000-000000000001',
   now() - interval '3 days', now() - interval '3 days', '00000000-0000-4000-a000-000000000001');

-- Read state: everyone has read up to their own last word; Klaus Müller not Jonas Becker's news,
-- so his badge shows one and Jonas Becker's message has no "gelesen" yet. In the first section's
-- thread only the expert has not read Dr. Weber's last word.
update public.conversation_participants as p set last_read_at = r.read_at
  from (values
    ('00000000-0000-4000-e000-000000000001'::uuid, '00000000-0000-4000-a000-000000000011'::uuid, now() - interval '19 hours'),
    ('00000000-0000-4000-e000-000000000001', '00000000-0000-4000-a000-000000000001', now() - interval '20 hours'),
    ('00000000-0000-4000-e000-000000000001', '00000000-0000-4000-a000-000000000041', now() - interval '1 day'),
    ('00000000-0000-4000-e000-000000000004', '00000000-0000-4000-a000-000000000001', now()),
    ('00000000-0000-4000-e000-000000000004', '00000000-0000-4000-a000-000000000002', now() - interval '5 hours'),
    ('00000000-0000-4000-e000-000000000004', '00000000-0000-4000-a000-000000000011', now() - interval '1 day 23 hours'),
    ('00000000-0000-4000-e000-000000000005', '00000000-0000-4000-a000-000000000003', now() - interval '21 hours'),
    ('00000000-0000-4000-e000-000000000005', '00000000-0000-4000-a000-000000000031', now() - interval '20 hours'),
    ('00000000-0000-4000-e000-000000000006', '00000000-0000-4000-a000-000000000021', now() - interval '1 day 3 minutes'),
    ('00000000-0000-4000-e000-000000000006', '00000000-0000-4000-a000-000000000002', now() - interval '1 day 3 minutes')
  ) as r (conversation_id, user_id, read_at)
 where p.conversation_id = r.conversation_id and p.user_id = r.user_id;
delete from ops.notification_mails;

-- Scheduled jobs call edge functions with a URL and key from Vault (Supabase's "Scheduling Edge
-- Functions"). `api.supabase.internal:8000` is how `supabase start`'s database reaches its
-- gateway; the devstack maps it to its own API. The key is the CLI's well-known local
-- service-role key. Production stores its own values (see edge-functions/README.md).
select vault.create_secret('http://api.supabase.internal:8000', 'project_url', 'API origin as the database reaches it');
select vault.create_secret(
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU',
  'service_role_key', 'Key scheduled jobs send to edge functions');
