-- The portal's test world, loaded after tests_schema.sql. Every test file calls
-- tests.create_portal_world() inside its transaction (rolled back at the end) and then acts as
-- the personas below. Rows are named in tests.fixtures so assertions can say which rows a persona
-- sees, not only how many.
--
-- Personas (identifier → who):
--   lawyer      admin staff, verified TOTP, acts with aal2
--   staff       staff, verified TOTP, acts with aal2
--   client_a    owner of client A (company), inside its grace period
--   client_a2   second user (member) of client A
--   client_b    owner of client B (person)
--   guest       guest in matter A1 only
--   past_grace  member of client A, created 4 days ago, no second factor
--   totp_aal1   member of client A with a verified TOTP factor, acting in an aal1 session
--
-- World: client A in group G, client B in group H; matters A1, A2 (client A) and B1; pages for
-- A, for G, for B, for H and an unpublished one for A; appointments; conversations per client and
-- one in A1 with the guest; tickets per client and matter; documents in every state.

-- The suite loads helper files in name order, so this file may run before tests_schema.sql:
-- create the schema if needed and let function bodies refer to helpers defined there.
create schema if not exists tests;
set check_function_bodies = off;

create table if not exists tests.fixtures (name text primary key, id uuid not null unique);
create table if not exists tests.persona_aal (identifier text primary key, aal text not null);
grant select on tests.fixtures, tests.persona_aal to anon, authenticated, service_role;

create or replace function tests.remember(fixture_name text, fixture_id uuid) returns uuid
language sql
security definer
set search_path = ''
as $$
  insert into tests.fixtures (name, id) values (fixture_name, fixture_id) returning id
$$;

create or replace function tests.fixture(fixture_name text) returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  found_id uuid;
begin
  select f.id into found_id from tests.fixtures as f where f.name = fixture_name;
  if found_id is null then
    raise exception 'tests: no fixture named %', fixture_name;
  end if;
  return found_id;
end;
$$;

-- Acts as a persona with the assurance level it normally signs in with.
create or replace function tests.act_as(identifier text, session_id uuid default null) returns void
language plpgsql
as $$
begin
  perform tests.authenticate_as(identifier,
    coalesce((select p.aal from tests.persona_aal as p where p.identifier = act_as.identifier), 'aal1'),
    session_id);
end;
$$;

-- The fixture names of the rows (column `id`) the query returns for a persona, sorted.
create or replace function tests.visible_as(identifier text, query text) returns text[]
language plpgsql
as $$
declare
  names text[];
begin
  if identifier = 'anon' then
    perform tests.authenticate_as_anon();
  else
    perform tests.act_as(identifier);
  end if;
  execute format('select coalesce(array_agg(f.name order by f.name), ''{}'') from (%s) as q join tests.fixtures as f on f.id = q.id', query)
    into names;
  perform tests.clear_authentication();
  return names;
end;
$$;

-- my_access_state() as a persona sees it (then back to no role), for one-line assertions.
create or replace function tests.access_state_as(identifier text) returns jsonb
language plpgsql
as $$
declare
  state jsonb;
begin
  perform tests.act_as(identifier);
  state := public.my_access_state();
  perform tests.clear_authentication();
  return state;
end;
$$;

-- Realtime's join check: a probe row on the topic, read back as the current role.
create or replace function tests.realtime_probe(topic text, extension text) returns uuid
language sql
security definer
set search_path = ''
as $$
  insert into realtime.messages (topic, extension, payload, event, private)
  values (topic, extension, '{}'::jsonb, 'probe', true)
  returning id
$$;

create or replace function tests.can_receive(topic text, extension text default 'broadcast') returns boolean
language plpgsql
as $$
declare
  probe uuid := tests.realtime_probe(topic, extension);
begin
  perform set_config('realtime.topic', topic, true);
  return exists (select 1 from realtime.messages as m where m.id = probe);
end;
$$;

-- Realtime's write check: an insert as the current role.
create or replace function tests.can_send(topic text, extension text default 'broadcast') returns boolean
language plpgsql
as $$
begin
  perform set_config('realtime.topic', topic, true);
  insert into realtime.messages (topic, extension, payload, event, private)
  values (topic, extension, '{"typing":true}'::jsonb, 'typing', true);
  return true;
exception
  when insufficient_privilege then
    return false;
end;
$$;

-- The plain code of the newest e-mail code mail of a persona (only the outbox has it).
create or replace function tests.last_mailed_code(identifier text) returns text
language sql
stable
security definer
set search_path = ''
as $$
  select o.data -> 'secret' ->> 'code' from ops.mail_outbox as o
   where o.user_id = tests.get_user_id(identifier) and o.template = 'mfa_email_code'
   order by o.created_at desc, o.id desc limit 1
$$;

-- The plain token of an invitation as mailed (only the outbox has it).
create or replace function tests.mailed_token(invitation_id uuid) returns text
language sql
stable
security definer
set search_path = ''
as $$
  select o.data -> 'secret' ->> 'token' from ops.mail_outbox as o
   where o.data ->> 'invitation_id' = invitation_id::text
$$;

-- A session of a persona signed in elsewhere (another device), as GoTrue records it.
create or replace function tests.create_device_session(identifier text, user_agent text, ip inet, signed_in_at timestamptz)
returns uuid
language sql
security definer
set search_path = ''
as $$
  insert into auth.sessions (id, user_id, created_at, updated_at, refreshed_at, aal, user_agent, ip)
  values (gen_random_uuid(), tests.get_user_id(identifier), signed_in_at, signed_in_at,
          signed_in_at at time zone 'utc', 'aal1', user_agent, ip)
  returning id
$$;

create or replace function tests.create_portal_world() returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  lawyer uuid := tests.create_user('lawyer', 'lawyer@test.example', now(), '{"display_name":"Dr. Lena Lawyer"}');
  staff uuid := tests.create_user('staff', 'staff@test.example', now(), '{"display_name":"Sam Staff"}');
  client_a uuid := tests.create_user('client_a', 'client.a@test.example', now(), '{"display_name":"Anton Alpha"}');
  client_a2 uuid := tests.create_user('client_a2', 'client.a2@test.example', now(), '{"display_name":"Anja Alpha","locale":"en"}');
  client_b uuid := tests.create_user('client_b', 'client.b@test.example', now(), '{"display_name":"Berta Beta"}');
  guest uuid := tests.create_user('guest', 'guest@test.example', now(), '{"display_name":"Gustav Guest"}');
  past_grace uuid := tests.create_user('past_grace', 'past.grace@test.example', now() - interval '4 days', '{"display_name":"Paul Past"}');
  totp_aal1 uuid := tests.create_user('totp_aal1', 'totp.aal1@test.example', now(), '{"display_name":"Tina Totp"}');
  client_a_id uuid;
  client_b_id uuid;
  group_g uuid;
  group_h uuid;
  matter_a1 uuid;
  matter_a2 uuid;
  matter_b1 uuid;
  page_a uuid;
  page_g uuid;
  page_b uuid;
  page_h uuid;
  page_draft uuid;
  conv_a uuid;
  conv_a1 uuid;
  conv_b uuid;
  ticket_a uuid;
  ticket_a1 uuid;
  ticket_a2 uuid;
  ticket_b uuid;
  doc record;
  remembered bigint;
  remembered_id uuid;
begin
  perform tests.remember(p.name, p.id)
     from (values ('lawyer', lawyer), ('staff', staff), ('client_a', client_a), ('client_a2', client_a2),
                  ('client_b', client_b), ('guest', guest), ('past_grace', past_grace), ('totp_aal1', totp_aal1)) as p(name, id);
  insert into tests.persona_aal (identifier, aal) values ('lawyer', 'aal2'), ('staff', 'aal2');
  insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret)
  select gen_random_uuid(), u, 'Authenticator', 'totp', 'verified', now(), now(), 'JBSWY3DPEHPK3PXP'
    from unnest(array[lawyer, staff, totp_aal1]) as u;

  insert into public.staff (user_id, is_admin) values (lawyer, true), (staff, false);

  insert into public.clients (kind, name, reference_number) values ('company', 'Alpha Bau GmbH', 'T-A')
  returning id into client_a_id;
  insert into public.clients (kind, name, reference_number) values ('person', 'Berta Beta', 'T-B')
  returning id into client_b_id;
  perform tests.remember('client_a_org', client_a_id), tests.remember('client_b_org', client_b_id);
  insert into public.client_members (client_id, user_id, role) values
    (client_a_id, client_a, 'owner'), (client_a_id, client_a2, 'member'), (client_a_id, past_grace, 'member'),
    (client_a_id, totp_aal1, 'member'), (client_b_id, client_b, 'owner');

  insert into public.client_groups (name) values ('Test group G') returning id into group_g;
  insert into public.client_groups (name) values ('Test group H') returning id into group_h;
  perform tests.remember('group_g', group_g), tests.remember('group_h', group_h);
  insert into public.client_group_members (group_id, client_id) values (group_g, client_a_id), (group_h, client_b_id);

  insert into public.matters (client_id, title, reference, created_by) values (client_a_id, 'A1 Bauvertrag', 'T-A1', lawyer)
  returning id into matter_a1;
  insert into public.matters (client_id, title, reference, created_by) values (client_a_id, 'A2 Mietsache', 'T-A2', lawyer)
  returning id into matter_a2;
  insert into public.matters (client_id, title, reference, created_by) values (client_b_id, 'B1 Erbschaft', 'T-B1', lawyer)
  returning id into matter_b1;
  perform tests.remember('matter_a1', matter_a1), tests.remember('matter_a2', matter_a2), tests.remember('matter_b1', matter_b1);
  insert into public.matter_members (matter_id, user_id, role, added_by) values
    (matter_a1, guest, 'guest', client_a), (matter_a1, staff, 'staff', lawyer), (matter_a1, client_a, 'client', lawyer);

  insert into public.pages (title, body, published, created_by) values ('Page for A', '# A', true, lawyer) returning id into page_a;
  insert into public.pages (title, body, published, created_by) values ('Page for G', '# G', true, lawyer) returning id into page_g;
  insert into public.pages (title, body, published, created_by) values ('Page for B', '# B', true, lawyer) returning id into page_b;
  insert into public.pages (title, body, published, created_by) values ('Page for H', '# H', true, lawyer) returning id into page_h;
  insert into public.pages (title, body, published, created_by) values ('Draft for A', '# draft', false, lawyer) returning id into page_draft;
  perform tests.remember('page_a', page_a), tests.remember('page_g', page_g), tests.remember('page_b', page_b),
          tests.remember('page_h', page_h), tests.remember('page_draft', page_draft);
  with x as (
    insert into public.page_audiences (page_id, client_id, group_id) values
      (page_a, client_a_id, null), (page_g, null, group_g), (page_b, client_b_id, null),
      (page_h, null, group_h), (page_draft, client_a_id, null)
    returning id, case page_id when page_a then 'page_a' when page_g then 'page_g' when page_b then 'page_b'
                               when page_h then 'page_h' else 'page_draft' end as name)
  select count(tests.remember('audience_' || x.name, x.id)) into remembered from x;

  insert into public.appointments (page_id, title, starts_at, ends_at, location, created_by)
  values (page_a, 'Baubesprechung', now() + interval '1 day', now() + interval '1 day 1 hour', 'Kanzlei', lawyer)
  returning tests.remember('appointment_page_a', id) into remembered_id;
  insert into public.appointments (page_id, title, starts_at, ends_at, created_by)
  values (page_draft, 'Entwurfstermin', now() + interval '2 days', now() + interval '2 days 1 hour', lawyer)
  returning tests.remember('appointment_page_draft', id) into remembered_id;
  insert into public.appointments (client_id, title, starts_at, ends_at, created_by)
  values (client_a_id, 'Termin A', now() + interval '3 days', now() + interval '3 days 1 hour', lawyer)
  returning tests.remember('appointment_client_a', id) into remembered_id;
  insert into public.appointments (client_id, title, starts_at, ends_at, created_by)
  values (client_b_id, 'Termin B', now() + interval '3 days', now() + interval '3 days 1 hour', lawyer)
  returning tests.remember('appointment_client_b', id) into remembered_id;

  insert into public.conversations (kind, subject, client_id, created_by) values ('thread', 'Thread A', client_a_id, client_a)
  returning id into conv_a;
  insert into public.conversations (kind, subject, client_id, matter_id, created_by) values ('thread', 'Thread A1', client_a_id, matter_a1, client_a)
  returning id into conv_a1;
  insert into public.conversations (kind, subject, client_id, created_by) values ('chat', null, client_b_id, client_b)
  returning id into conv_b;
  perform tests.remember('conv_a', conv_a), tests.remember('conv_a1', conv_a1), tests.remember('conv_b', conv_b);
  insert into public.conversation_participants (conversation_id, user_id) values
    (conv_a, client_a), (conv_a, lawyer), (conv_a1, client_a), (conv_a1, guest), (conv_a1, staff),
    (conv_b, client_b), (conv_b, staff);
  with m as (
    insert into public.messages (conversation_id, author_id, body) values
      (conv_a, client_a, 'Hallo Kanzlei'), (conv_a1, guest, 'Gutachten folgt'), (conv_b, client_b, 'Frage zur Erbschaft')
    returning id, case conversation_id when conv_a then 'msg_a' when conv_a1 then 'msg_a1' else 'msg_b' end as name)
  select count(tests.remember(m.name, m.id)) into remembered from m;

  insert into public.tickets (subject, client_id, created_by, requester_id) values ('Ticket A', client_a_id, client_a, client_a) returning id into ticket_a;
  insert into public.tickets (subject, client_id, matter_id, created_by, requester_id) values ('Ticket A1', client_a_id, matter_a1, guest, guest) returning id into ticket_a1;
  insert into public.tickets (subject, client_id, matter_id, created_by, requester_id) values ('Ticket A2', client_a_id, matter_a2, client_a2, client_a2) returning id into ticket_a2;
  insert into public.tickets (subject, client_id, created_by, requester_id) values ('Ticket B', client_b_id, client_b, client_b) returning id into ticket_b;
  perform tests.remember('ticket_a', ticket_a), tests.remember('ticket_a1', ticket_a1),
          tests.remember('ticket_a2', ticket_a2), tests.remember('ticket_b', ticket_b);
  with r as (
    insert into public.ticket_replies (ticket_id, author_id, body) values
      (ticket_a, client_a, 'Bitte um Rückruf'), (ticket_a1, guest, 'Frage zum Gutachten'),
      (ticket_a2, client_a2, 'Nebenkosten'), (ticket_b, client_b, 'Testament')
    returning id, case ticket_id when ticket_a then 'reply_a' when ticket_a1 then 'reply_a1'
                                 when ticket_a2 then 'reply_a2' else 'reply_b' end as name)
  select count(tests.remember(r.name, r.id)) into remembered from r;
  insert into public.ticket_internal_notes (ticket_id, author_id, body)
  values (ticket_a1, staff, 'Intern: Gutachter ist befangen')
  returning tests.remember('note_a1', id) into remembered_id;

  -- Documents in every state; uploaded ones get their Storage object.
  for doc in
    select * from (values
      ('doc_a1_released', matter_a1, staff, true, true, false),
      ('doc_a1_unreleased', matter_a1, staff, true, false, false),
      ('doc_a1_client', matter_a1, client_a, true, true, false),
      ('doc_a1_deleted', matter_a1, staff, true, true, true),
      ('doc_a1_pending', matter_a1, client_a2, false, false, false),
      ('doc_a2', matter_a2, staff, true, true, false),
      ('doc_b1', matter_b1, staff, true, true, false)
    ) as d(name, matter_id, uploader, uploaded, released, deleted)
  loop
    insert into public.documents (matter_id, name, size_bytes, mime_type, sha256, uploaded_by, uploaded_at,
                                  released_at, released_by, deleted_at, deleted_by)
    values (doc.matter_id, doc.name || '.pdf', 1024, 'application/pdf', repeat('ab', 32), doc.uploader,
            case when doc.uploaded then now() end, case when doc.released then now() end,
            case when doc.released then doc.uploader end,
            case when doc.deleted then now() end, case when doc.deleted then staff end)
    returning tests.remember(doc.name, id) into remembered_id;
    if doc.uploaded then
      insert into storage.objects (bucket_id, name, owner_id, metadata)
      select 'documents', x.storage_path, doc.uploader::text, '{"size":1024,"mimetype":"application/pdf"}'::jsonb
        from public.documents as x where x.id = remembered_id;
    end if;
  end loop;
end;
$$;

-- An attachment upload of the current persona, completed (its Storage object written as Storage
-- would) and through the content check, ready to be named in attachment_ids. Runs as the caller;
-- the object is written as postgres.
create or replace function tests.completed_attachment(file_name text, size_bytes bigint default 2048)
returns uuid
language plpgsql
as $$
declare
  prepared record;
begin
  select * into prepared from public.create_document_upload(null, file_name, size_bytes, 'application/pdf', repeat('cd', 32));
  perform tests.store_object(prepared.path, size_bytes);
  perform public.complete_document_upload(prepared.document_id);
  perform tests.pass_content_check(prepared.document_id, 'pdf');
  return prepared.document_id;
end;
$$;

-- A completed attachment of the current persona, sent with a new message into a conversation it
-- takes part in; returns the document's id.
create or replace function tests.sent_attachment(conversation_id uuid, file_name text, body text default 'Anbei')
returns uuid
language plpgsql
as $$
declare
  attached uuid := tests.completed_attachment(file_name);
begin
  perform public.send_message(sent_attachment.conversation_id, gen_random_uuid(), body, null, array[attached]);
  return attached;
end;
$$;

-- What verify-document reports for a finished upload whose bytes are what was declared and whose
-- content is `detected_type` (its sniffer's name: pdf, png, text, …).
create or replace function tests.pass_content_check(document_id uuid, detected_type text)
returns text
language sql
security definer
set search_path = ''
as $$
  select public.record_document_check(d.id, d.sha256, pass_content_check.detected_type)
    from public.documents as d where d.id = pass_content_check.document_id
$$;

create or replace function tests.store_object(object_name text, size_bytes bigint)
returns void
language sql
security definer
set search_path = ''
as $$
  insert into storage.objects (bucket_id, name, owner_id, metadata)
  values ('documents', object_name, (select auth.uid())::text, jsonb_build_object('size', size_bytes, 'mimetype', 'application/pdf'))
$$;

-- Everything on tickets happened `span` earlier, so what a test does next is later than it (all
-- of a test runs in one transaction, where now() stands still).
create or replace function tests.let_time_pass(span interval default interval '1 minute')
returns void
language sql
security definer
set search_path = ''
as $$
  update public.ticket_reads set seen_at = seen_at - span;
  update public.tickets set last_activity_at = last_activity_at - span, created_at = created_at - span;
  update public.ticket_replies set created_at = created_at - span;
  update public.ticket_internal_notes set created_at = created_at - span;
  update public.ticket_status_history set changed_at = changed_at - span;
$$;

grant execute on all functions in schema tests to anon, authenticated, service_role;
