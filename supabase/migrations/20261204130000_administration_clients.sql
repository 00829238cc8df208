-- Administration, part 1: clients (Mandanten) as staff manage them.
--
-- * Contact data on the client (the client's own users may read it: it is their data) and notes
--   for staff only in their own table, since RLS cannot hide one column from some readers.
-- * list_clients(): search by name or reference number (trigram indexes, so a substring search
--   over 10,000 clients stays an index scan), keyset paging by (name, id).
-- * save_client(): create or edit in one call, validated here with machine-readable codes;
--   the client-generated id makes a retried create harmless.
-- * client_users(): a client's users with what staff need and REST cannot show (second-factor
--   state, last sign-in, deactivation: these live in auth and private).
-- * remove_client_user(): access ends at once — the membership goes (access is derived from it on
--   every query), so do the person's download grants (no new signed URL), and every session ends
--   unless the person still acts for another client or as a guest; the app is told on user:<id>.

create extension if not exists pg_trgm with schema extensions;

alter table public.clients
  add column email text check (email is null or email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  add column phone text check (phone is null or char_length(phone) <= 50),
  add column address text check (address is null or char_length(address) <= 500),
  add column created_by uuid default auth.uid() references public.profiles (id) on delete set null;
comment on column public.clients.email is 'Contact address of the client (not a sign-in: users have their own).';
create index clients_created_by_idx on public.clients (created_by);
create index clients_name_id_idx on public.clients (name, id);
create index clients_archived_at_idx on public.clients (archived_at);
create index clients_name_trgm_idx on public.clients using gin (name extensions.gin_trgm_ops);
create index clients_reference_number_trgm_idx on public.clients using gin (reference_number extensions.gin_trgm_ops);

grant update (email, phone, address) on public.clients to authenticated;

create table public.client_staff_notes (
  client_id  uuid primary key references public.clients (id) on delete cascade,
  body       text not null check (char_length(body) <= 10000),
  updated_at timestamptz not null default now(),
  updated_by uuid default auth.uid() references public.profiles (id) on delete set null
);
comment on table public.client_staff_notes is 'The firm''s notes about a client. Staff only: the client''s users never see them.';
create index client_staff_notes_updated_by_idx on public.client_staff_notes (updated_by);

create trigger client_staff_notes_touch_updated_at before update on public.client_staff_notes
  for each row execute function private.touch_updated_at();

alter table public.client_staff_notes enable row level security;
create policy "Only sessions that passed the second factor get access"
  on public.client_staff_notes as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Staff can read client notes"
  on public.client_staff_notes for select to authenticated
  using ((select private.is_staff()));
create policy "Staff can write client notes"
  on public.client_staff_notes for insert to authenticated
  with check ((select private.is_staff()));
create policy "Staff can change client notes"
  on public.client_staff_notes for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy "Staff can delete client notes"
  on public.client_staff_notes for delete to authenticated
  using ((select private.is_staff()));
revoke all on public.client_staff_notes from anon, authenticated;
grant all on public.client_staff_notes to service_role;
grant select, insert, delete on public.client_staff_notes to authenticated;
grant update (body) on public.client_staff_notes to authenticated;

-- ---------------------------------------------------------------------------------------------
-- Shared checks
-- ---------------------------------------------------------------------------------------------

-- Staff with a verified session, or the refusal the app translates.
create function private.require_staff()
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
begin
  if not private.user_is_staff(uid) then
    raise exception using errcode = 'P0001', message = 'forbidden', detail = 'Only staff may do this.';
  end if;
  return uid;
end;
$$;

-- The backups feature made this for its RPCs; administration uses it too, so it says it generally.
create or replace function private.require_admin()
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
begin
  if not private.is_admin() then
    raise exception using errcode = 'P0001', message = 'forbidden', detail = 'Only admins may do this.';
  end if;
  return uid;
end;
$$;
create function private.check_keyset_cursor(after_key text, after_id uuid)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if (after_key is null) <> (after_id is null) then
    raise exception using errcode = 'P0001', message = 'invalid_cursor', detail = 'Give both parts of the cursor, or neither.';
  end if;
end;
$$;

-- A LIKE pattern that finds the search text anywhere, its own % _ \ taken literally; '%%' for no search.
create function private.contains_pattern(search text)
returns text
language sql
immutable
set search_path = ''
as $$
  select '%' || replace(replace(replace(btrim(coalesce(search, '')), '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;

-- The portal's own account state, told to the person's open app at once (user:<id> topic).
create function private.tell_user(user_id uuid, event text, payload jsonb default '{}'::jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform realtime.send(payload, event, 'user:' || tell_user.user_id, true);
end;
$$;

-- Ends every session of a user (refresh tokens and e-mail assurances go with them); the gate
-- refuses their access tokens from the next request on.
create function private.end_sessions(user_id uuid, only_session uuid default null)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  ended integer;
begin
  delete from auth.sessions as s
   where s.user_id = end_sessions.user_id and (end_sessions.only_session is null or s.id = end_sessions.only_session);
  get diagnostics ended = row_count;
  if ended > 0 then
    perform private.tell_user(end_sessions.user_id, 'session_ended', jsonb_build_object('session_id', end_sessions.only_session));
  end if;
  return ended;
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- Clients
-- ---------------------------------------------------------------------------------------------

create function public.list_clients(
  search text default null,
  include_archived boolean default false,
  filter_kind text default null,
  filter_group uuid default null,
  after_name text default null,
  after_id uuid default null,
  max_rows integer default 25
)
returns table (
  id uuid, kind text, name text, reference_number text, email text, archived_at timestamptz,
  user_count integer, matter_count integer
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  pattern text := private.contains_pattern(search);
begin
  perform private.require_staff();
  perform private.check_keyset_cursor(after_name, after_id);
  if filter_kind is not null and filter_kind not in ('person', 'company') then
    raise exception using errcode = 'P0001', message = 'invalid_kind', detail = 'A client is a person or a company.';
  end if;
  return query
    select c.id, c.kind, c.name, c.reference_number, c.email, c.archived_at,
           (select count(*)::integer from public.client_members as cm where cm.client_id = c.id),
           (select count(*)::integer from public.matters as m where m.client_id = c.id)
      from (select * from public.clients as c
             where (list_clients.include_archived or c.archived_at is null)
               and (list_clients.filter_kind is null or c.kind = list_clients.filter_kind)
               and (list_clients.filter_group is null or exists (
                     select 1 from public.client_group_members as gm
                      where gm.client_id = c.id and gm.group_id = list_clients.filter_group))
               and (pattern = '%%' or c.name ilike pattern or c.reference_number ilike pattern)
               and (list_clients.after_id is null or (c.name, c.id) > (list_clients.after_name, list_clients.after_id))
             order by c.name, c.id
             limit greatest(least(coalesce(list_clients.max_rows, 25), 100), 1)) as c
     order by c.name, c.id;
end;
$$;
comment on function public.list_clients(text, boolean, text, uuid, text, uuid, integer) is
  'Staff: clients by name, searched in name and reference number, keyset-paged by (name, id). Errors: not_authenticated, mfa_required, forbidden, invalid_cursor, invalid_kind.';

create function public.save_client(
  client_id uuid,
  kind text,
  name text,
  reference_number text,
  email text default null,
  phone text default null,
  address text default null,
  staff_notes text default null
)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_staff();
  clean_email text := nullif(lower(btrim(coalesce(email, ''))), '');
  clean_reference text := btrim(coalesce(reference_number, ''));
  created boolean;
begin
  if client_id is null then
    raise exception using errcode = 'P0001', message = 'client_id_required', detail = 'The app names the new client''s id, so a retry cannot create it twice.';
  end if;
  if kind is null or kind not in ('person', 'company') then
    raise exception using errcode = 'P0001', message = 'invalid_kind', detail = 'A client is a person or a company.';
  end if;
  if char_length(btrim(coalesce(name, ''))) not between 1 and 300 then
    raise exception using errcode = 'P0001', message = 'name_required', detail = 'A name of 1 to 300 characters.';
  end if;
  if char_length(clean_reference) not between 1 and 50 then
    raise exception using errcode = 'P0001', message = 'reference_number_required', detail = 'A reference number of 1 to 50 characters.';
  end if;
  if clean_email is not null and clean_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' then
    raise exception using errcode = 'P0001', message = 'invalid_email', detail = 'The contact address is not an e-mail address.';
  end if;
  if char_length(coalesce(phone, '')) > 50 or char_length(coalesce(address, '')) > 500
     or char_length(coalesce(staff_notes, '')) > 10000 then
    raise exception using errcode = 'P0001', message = 'value_too_long', detail = 'Phone ≤ 50, address ≤ 500, notes ≤ 10,000 characters.';
  end if;
  if exists (select 1 from public.clients as c
              where lower(c.reference_number) = lower(clean_reference) and c.id <> save_client.client_id) then
    raise exception using errcode = 'P0001', message = 'reference_number_taken',
      detail = format('Another client has the reference number %s.', clean_reference);
  end if;

  insert into public.clients as c (id, kind, name, reference_number, email, phone, address, created_by)
  values (save_client.client_id, save_client.kind, btrim(save_client.name), clean_reference, clean_email,
          nullif(btrim(coalesce(save_client.phone, '')), ''), nullif(btrim(coalesce(save_client.address, '')), ''), uid)
  on conflict (id) do update
     set kind = excluded.kind, name = excluded.name, reference_number = excluded.reference_number,
         email = excluded.email, phone = excluded.phone, address = excluded.address
  returning (xmax = 0) into created;

  if nullif(btrim(coalesce(staff_notes, '')), '') is null then
    delete from public.client_staff_notes as n where n.client_id = save_client.client_id;
  else
    insert into public.client_staff_notes (client_id, body, updated_by) values (save_client.client_id, staff_notes, uid)
    on conflict on constraint client_staff_notes_pkey do update set body = excluded.body, updated_by = excluded.updated_by;
  end if;
  perform private.audit(case when created then 'client.created' else 'client.updated' end, 'client',
    save_client.client_id::text, jsonb_build_object('name', btrim(save_client.name), 'reference_number', clean_reference));
  return save_client.client_id;
exception
  when unique_violation then
    raise exception using errcode = 'P0001', message = 'reference_number_taken',
      detail = format('Another client has the reference number %s.', clean_reference);
end;
$$;
comment on function public.save_client(uuid, text, text, text, text, text, text, text) is
  'Staff: creates the client with the given id or updates it (kind, name, unique reference number, contact data, staff notes). Idempotent. Errors: forbidden, client_id_required, invalid_kind, name_required, reference_number_required, reference_number_taken, invalid_email, value_too_long.';

create function public.set_client_archived(client_id uuid, archived boolean)
returns timestamptz
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  stamp timestamptz;
begin
  perform private.require_staff();
  update public.clients as c
     set archived_at = case when set_client_archived.archived then coalesce(c.archived_at, now()) end
   where c.id = set_client_archived.client_id
  returning c.archived_at into stamp;
  if not found then
    raise exception using errcode = 'P0001', message = 'client_not_found';
  end if;
  perform private.audit(case when archived then 'client.archived' else 'client.unarchived' end, 'client', client_id::text);
  return stamp;
end;
$$;
comment on function public.set_client_archived(uuid, boolean) is
  'Staff: archives a client (hidden from lists, its data kept) or takes it back. Errors: forbidden, client_not_found.';

-- Second-factor state in words the app shows: enrolled, in grace (with deadline) or overdue.
create function private.factor_state(user_id uuid)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select case
    when private.has_second_factor(factor_state.user_id) then 'enrolled'
    when coalesce(private.grace_period_ends_at(factor_state.user_id) > now(), false) then 'grace'
    else 'overdue'
  end
$$;

create function public.client_users(client_id uuid)
returns table (
  user_id uuid, display_name text, email text, role text, factor_state text,
  grace_period_ends_at timestamptz, last_sign_in_at timestamptz, deactivated boolean, member_since timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_staff();
  return query
    select cm.user_id, p.display_name, u.email::text, cm.role, private.factor_state(cm.user_id),
           private.grace_period_ends_at(cm.user_id), u.last_sign_in_at,
           coalesce(u.banned_until > now(), false), cm.created_at
      from public.client_members as cm
      join public.profiles as p on p.id = cm.user_id
      join auth.users as u on u.id = cm.user_id
     where cm.client_id = client_users.client_id
     order by cm.role = 'owner' desc, p.display_name, cm.user_id;
end;
$$;
comment on function public.client_users(uuid) is
  'Staff: the users of a client with role, second-factor state (enrolled, grace, overdue), last sign-in and whether the account is deactivated. Errors: forbidden.';

create function public.remove_client_user(client_id uuid, user_id uuid)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  ended integer := 0;
begin
  if not (private.user_is_staff(uid)
          or exists (select 1 from public.client_members as cm
                      where cm.client_id = remove_client_user.client_id and cm.user_id = uid and cm.role = 'owner')) then
    raise exception using errcode = 'P0001', message = 'client_not_found';
  end if;
  delete from public.client_members as cm
   where cm.client_id = remove_client_user.client_id and cm.user_id = remove_client_user.user_id;
  if not found then
    raise exception using errcode = 'P0001', message = 'member_not_found';
  end if;
  delete from private.download_grants as g where g.user_id = remove_client_user.user_id;
  -- Someone who acts for no other client and is no guest anywhere has nothing left to do here:
  -- their sessions end so an open tab and its Realtime channels stop at once.
  if private.persona_of(remove_client_user.user_id) is null then
    ended := private.end_sessions(remove_client_user.user_id);
  else
    perform private.tell_user(remove_client_user.user_id, 'access_changed');
  end if;
  return jsonb_build_object('user_id', remove_client_user.user_id, 'sessions_ended', ended);
end;
$$;
comment on function public.remove_client_user(uuid, uuid) is
  'Staff, or an owner of the client: removes a user from the client. Access ends in the same statement; download grants go; a person left without any membership loses every session. Errors: client_not_found, member_not_found.';

revoke execute on function private.require_staff(), private.require_admin(), private.check_keyset_cursor(text, uuid),
  private.contains_pattern(text),
  private.tell_user(uuid, text, jsonb), private.end_sessions(uuid, uuid), private.factor_state(uuid) from public;
revoke execute on function public.list_clients(text, boolean, text, uuid, text, uuid, integer),
  public.save_client(uuid, text, text, text, text, text, text, text), public.set_client_archived(uuid, boolean),
  public.client_users(uuid), public.remove_client_user(uuid, uuid) from public;
grant execute on function public.list_clients(text, boolean, text, uuid, text, uuid, integer),
  public.save_client(uuid, text, text, text, text, text, text, text), public.set_client_archived(uuid, boolean),
  public.client_users(uuid), public.remove_client_user(uuid, uuid) to authenticated;
