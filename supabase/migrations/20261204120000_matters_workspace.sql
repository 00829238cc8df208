-- Matters as a workspace (/akten, /akten/<reference>): the list with search and filters, one
-- matter's overview, staff creating, editing and closing matters and adding colleagues, guests
-- removed by the client's users or staff, appointments that belong to a matter, and removal that
-- ends access at once, also on open pages.
--
-- Who sees what is unchanged (20261127040000): staff all matters, a client's users all of its
-- client's, a guest only the matters it is a guest in. The list and the overview are security
-- definer with exactly that scope spelled out (private.visible_matter_ids), so a guest never
-- learns anything about the client's other matters or users, not even how many there are.
--
-- References are the route (/akten/12/26): required for new matters, unique case-insensitively,
-- letters, digits and `/ - . _` only, so a reference never needs escaping in a path.
--
-- Removal: deleting a guest's matter_members row ends its access in the same statement (access
-- is derived on every query). Besides, the guest's download grants for the matter go at once
-- (no new signed URL can be made from them), and `matter_access_ended {matter_id}` goes to its
-- user topic, so an open page drops what it shows. Client users may remove guests only (not the
-- rows that record involved staff or co-users); staff remove anyone; everyone may leave.

-- ---------------------------------------------------------------------------------------------
-- Columns and indexes
-- ---------------------------------------------------------------------------------------------

alter table public.matters
  add column closed_at timestamptz,
  add column closed_by uuid references public.profiles (id) on delete set null;
comment on column public.matters.closed_at is 'When the matter was closed (status closed); null while open.';
create index matters_closed_by_idx on public.matters (closed_by);
create index matters_activity_idx on public.matters (updated_at desc, id desc);
create index matters_status_activity_idx on public.matters (status, updated_at desc, id desc);
create unique index matters_reference_ci_idx on public.matters (lower(reference));

alter table public.appointments
  add column matter_id uuid references public.matters (id) on delete set null;
comment on column public.appointments.matter_id is
  'The matter an appointment belongs to (optional; shown on the matter''s page). Visibility stays that of the appointment.';
create index appointments_matter_id_idx on public.appointments (matter_id);
grant update (matter_id) on public.appointments to authenticated;

-- An appointment of a matter must address that matter's client (directly or through a page).
create function private.check_appointment_matter()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.matter_id is not null and new.client_id is distinct from
       (select m.client_id from public.matters as m where m.id = new.matter_id)
     and new.page_id is null then
    raise exception using errcode = 'P0001', message = 'appointment_matter_mismatch',
      detail = 'An appointment for a client may only belong to a matter of that client.';
  end if;
  return new;
end;
$$;
create trigger appointments_check_matter
  before insert or update of matter_id, client_id on public.appointments
  for each row execute function private.check_appointment_matter();

-- Closing stamps who and when; reopening clears it. Open invitations end with the matter.
create function private.stamp_matter_status()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status is distinct from old.status then
    if new.status = 'closed' then
      new.closed_at := now();
      new.closed_by := auth.uid();
      update public.invitations as i set revoked_at = now(), revoked_by = auth.uid()
       where i.matter_id = new.id and i.accepted_at is null and i.revoked_at is null;
    else
      new.closed_at := null;
      new.closed_by := null;
    end if;
  end if;
  return new;
end;
$$;
create trigger matters_stamp_status
  before update of status on public.matters
  for each row execute function private.stamp_matter_status();

-- ---------------------------------------------------------------------------------------------
-- Removing members: client users remove guests only; access, grants and open pages end at once
-- ---------------------------------------------------------------------------------------------

drop policy "Client users can remove members of their client's matters" on public.matter_members;
create policy "Client users can remove guests from their client's matters"
  on public.matter_members for delete to authenticated
  using (role = 'guest' and matter_id in (select private.my_client_matter_ids()));

create function private.end_matter_access()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if old.role = 'guest' and not private.user_can_access_matter(old.user_id, old.matter_id) then
    delete from private.download_grants as g
     using public.documents as d
     where g.document_id = d.id and d.matter_id = old.matter_id and g.user_id = old.user_id;
    perform realtime.send(jsonb_build_object('matter_id', old.matter_id), 'matter_access_ended',
                          'user:' || old.user_id, true);
  end if;
  return null;
end;
$$;
comment on function private.end_matter_access() is
  'After a guest leaves a matter: its download grants there go, and its user topic hears matter_access_ended.';
create trigger matter_members_end_access
  after delete on public.matter_members
  for each row execute function private.end_matter_access();

-- ---------------------------------------------------------------------------------------------
-- Scope and checks
-- ---------------------------------------------------------------------------------------------

create function private.visible_matter_ids(user_id uuid)
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.id from public.matters as m where private.user_is_staff(visible_matter_ids.user_id)
  union
  select m.id from public.matters as m
    join public.client_members as cm on cm.client_id = m.client_id
   where cm.user_id = visible_matter_ids.user_id
  union
  select mm.matter_id from public.matter_members as mm
   where mm.user_id = visible_matter_ids.user_id and mm.role = 'guest'
$$;
comment on function private.visible_matter_ids(uuid) is
  'Every matter the user may open: staff all, client users their client''s, guests theirs.';

-- A search term for ILIKE: contained anywhere, its own % _ and \ taken literally.
create function private.contains_pattern(search text)
returns text
language sql
immutable
set search_path = ''
as $$
  select '%' || replace(replace(replace(btrim(coalesce(search, '')), '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;

create function private.checked_matter_fields(title text, reference text, description text)
returns table (checked_title text, checked_reference text, checked_description text)
language plpgsql
immutable
set search_path = ''
as $$
declare
  clean_title text := btrim(coalesce(checked_matter_fields.title, ''));
  clean_reference text := btrim(coalesce(checked_matter_fields.reference, ''));
  clean_description text := nullif(btrim(coalesce(checked_matter_fields.description, '')), '');
begin
  if clean_title = '' then
    raise exception using errcode = 'P0001', message = 'title_required';
  elsif char_length(clean_title) > 300 then
    raise exception using errcode = 'P0001', message = 'title_too_long', detail = 'At most 300 characters.';
  elsif clean_reference = '' then
    raise exception using errcode = 'P0001', message = 'reference_required';
  elsif char_length(clean_reference) > 50 or clean_reference !~ '^[A-Za-z0-9ÄÖÜäöüß]([A-Za-z0-9ÄÖÜäöüß/._-]*[A-Za-z0-9ÄÖÜäöüß])?$'
        or clean_reference ~ '//' then
    raise exception using errcode = 'P0001', message = 'invalid_reference',
      detail = 'Letters, digits and / - . _ (not at the ends), at most 50 characters.';
  elsif char_length(coalesce(clean_description, '')) > 5000 then
    raise exception using errcode = 'P0001', message = 'description_too_long', detail = 'At most 5000 characters.';
  end if;
  return query select clean_title, clean_reference, clean_description;
end;
$$;

create function private.require_staff(uid uuid)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.user_is_staff(uid) then
    raise exception using errcode = 'P0001', message = 'forbidden', detail = 'Only staff may do this.';
  end if;
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------------

create function public.list_matters(
  search text default null,
  filter_client uuid default null,
  filter_status text default null,
  after_updated_at timestamptz default null,
  after_id uuid default null,
  max_rows integer default 50
)
returns table (id uuid, reference text, title text, status text, client_id uuid, client_name text,
               updated_at timestamptz, closed_at timestamptz, is_guest boolean)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  pattern text := private.contains_pattern(search);
begin
  if filter_status is not null and filter_status not in ('open', 'closed') then
    raise exception using errcode = 'P0001', message = 'invalid_status';
  end if;
  if max_rows is null or max_rows not between 1 and 200 then
    raise exception using errcode = 'P0001', message = 'invalid_page_size', detail = 'Between 1 and 200 rows.';
  end if;
  return query
    select m.id, m.reference, m.title, m.status, m.client_id, c.name, m.updated_at, m.closed_at,
           exists (select 1 from public.matter_members as mm
                    where mm.matter_id = m.id and mm.user_id = uid and mm.role = 'guest')
      from public.matters as m
      join public.clients as c on c.id = m.client_id
     where m.id in (select private.visible_matter_ids(uid))
       and (filter_client is null or m.client_id = filter_client)
       and (filter_status is null or m.status = filter_status)
       and (btrim(coalesce(search, '')) = ''
            or m.title ilike pattern or m.reference ilike pattern
            or (private.user_is_staff(uid) and c.name ilike pattern))
       and (after_updated_at is null or (m.updated_at, m.id) < (after_updated_at, after_id))
     order by m.updated_at desc, m.id desc
     limit max_rows;
end;
$$;
comment on function public.list_matters(text, uuid, text, timestamptz, uuid, integer) is
  'The caller''s matters, newest activity first, keyset paged by (updated_at, id). search matches title and reference (staff also the client''s name). Errors: not_authenticated, session_required, mfa_required, invalid_status, invalid_page_size.';

create function public.matter_overview(reference text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  matter public.matters%rowtype;
  is_staff boolean := private.user_is_staff(uid);
  is_client_user boolean;
begin
  select * into matter from public.matters as m where lower(m.reference) = lower(btrim(coalesce(matter_overview.reference, '')));
  if not found or matter.id not in (select private.visible_matter_ids(uid)) then
    raise exception using errcode = 'P0001', message = 'matter_not_found';
  end if;
  is_client_user := private.user_is_client_member(uid, matter.client_id);
  return jsonb_build_object(
    'id', matter.id, 'reference', matter.reference, 'title', matter.title, 'status', matter.status,
    'description', matter.description, 'client_id', matter.client_id,
    'client_name', (select c.name from public.clients as c where c.id = matter.client_id),
    'created_at', matter.created_at, 'updated_at', matter.updated_at, 'closed_at', matter.closed_at,
    'my_role', case when is_staff then 'staff' when is_client_user then 'client' else 'guest' end,
    'can_invite', (is_staff or is_client_user) and matter.status = 'open',
    'can_edit', is_staff,
    'members', coalesce((
      select jsonb_agg(jsonb_build_object('user_id', mm.user_id, 'role', mm.role, 'display_name', p.display_name,
                                          'added_at', mm.created_at,
                                          'removable', mm.user_id <> uid and (is_staff or (is_client_user and mm.role = 'guest')))
                       order by case mm.role when 'staff' then 0 when 'client' then 1 else 2 end, p.display_name)
        from public.matter_members as mm join public.profiles as p on p.id = mm.user_id
       where mm.matter_id = matter.id), '[]'::jsonb),
    'counts', jsonb_build_object(
      'documents', (select count(*) from public.documents as d
                     where d.matter_id = matter.id and d.uploaded_at is not null
                       and private.user_can_read_document(uid, d.id)),
      'threads', (select count(*) from public.conversations as c
                   where c.matter_id = matter.id and (is_staff or c.id in (select private.my_conversation_ids()))),
      'tickets', (select count(*) from public.tickets as t
                   where t.matter_id = matter.id and private.user_can_see_ticket(uid, t.id)),
      'appointments', case when is_staff or is_client_user then
                        (select count(*) from public.appointments as a where a.matter_id = matter.id) else 0 end));
end;
$$;
comment on function public.matter_overview(text) is
  'One matter by its reference for its page: fields, the caller''s role and rights, members (involved staff and client users, guests) and counts of what the caller may open. Errors: not_authenticated, session_required, mfa_required, matter_not_found.';

create function public.create_matter(client_id uuid, title text, reference text, description text default null)
returns public.matters
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  fields record;
  created public.matters%rowtype;
begin
  perform private.require_staff(uid);
  select * into fields from private.checked_matter_fields(title, reference, description);
  if not exists (select 1 from public.clients as c where c.id = create_matter.client_id) then
    raise exception using errcode = 'P0001', message = 'client_not_found';
  end if;
  if exists (select 1 from public.matters as m where lower(m.reference) = lower(fields.checked_reference)) then
    raise exception using errcode = 'P0001', message = 'reference_taken';
  end if;
  insert into public.matters (client_id, title, reference, description, created_by)
  values (create_matter.client_id, fields.checked_title, fields.checked_reference, fields.checked_description, uid)
  returning * into created;
  insert into public.matter_members (matter_id, user_id, role, added_by) values (created.id, uid, 'staff', uid);
  perform private.audit('matter.created', 'matter', created.id::text,
    jsonb_build_object('client_id', created.client_id, 'reference', created.reference));
  return created;
end;
$$;
comment on function public.create_matter(uuid, text, text, text) is
  'Staff: opens a matter for a client (the creator is recorded as involved). Errors: not_authenticated, session_required, mfa_required, forbidden, title_required, title_too_long, reference_required, invalid_reference, description_too_long, client_not_found, reference_taken.';

create function public.update_matter(matter_id uuid, title text, reference text, description text, status text)
returns public.matters
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  fields record;
  changed public.matters%rowtype;
begin
  perform private.require_staff(uid);
  select * into fields from private.checked_matter_fields(title, reference, description);
  if status is null or status not in ('open', 'closed') then
    raise exception using errcode = 'P0001', message = 'invalid_status';
  end if;
  if exists (select 1 from public.matters as m
              where lower(m.reference) = lower(fields.checked_reference) and m.id <> update_matter.matter_id) then
    raise exception using errcode = 'P0001', message = 'reference_taken';
  end if;
  update public.matters as m
     set title = fields.checked_title, reference = fields.checked_reference, description = fields.checked_description,
         status = update_matter.status
   where m.id = update_matter.matter_id
  returning * into changed;
  if not found then
    raise exception using errcode = 'P0001', message = 'matter_not_found';
  end if;
  perform private.audit('matter.updated', 'matter', changed.id::text,
    jsonb_build_object('reference', changed.reference, 'status', changed.status));
  return changed;
end;
$$;
comment on function public.update_matter(uuid, text, text, text, text) is
  'Staff: changes a matter''s title, reference, description and status (closing revokes open invitations; a closed matter takes no invitations or uploads). Errors: not_authenticated, session_required, mfa_required, forbidden, title_required, title_too_long, reference_required, invalid_reference, description_too_long, invalid_status, reference_taken, matter_not_found.';

create function public.add_matter_staff(matter_id uuid, user_id uuid)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
begin
  perform private.require_staff(uid);
  if not exists (select 1 from public.matters as m where m.id = add_matter_staff.matter_id) then
    raise exception using errcode = 'P0001', message = 'matter_not_found';
  end if;
  if not private.user_is_staff(add_matter_staff.user_id) then
    raise exception using errcode = 'P0001', message = 'member_not_staff';
  end if;
  insert into public.matter_members (matter_id, user_id, role, added_by)
  values (add_matter_staff.matter_id, add_matter_staff.user_id, 'staff', uid)
  on conflict do nothing;
end;
$$;
comment on function public.add_matter_staff(uuid, uuid) is
  'Staff: records a colleague as working on the matter (idempotent). Errors: not_authenticated, session_required, mfa_required, forbidden, matter_not_found, member_not_staff.';

create function public.remove_matter_member(matter_id uuid, user_id uuid)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  member public.matter_members%rowtype;
begin
  if matter_id not in (select private.visible_matter_ids(uid)) then
    raise exception using errcode = 'P0001', message = 'matter_not_found';
  end if;
  select * into member from public.matter_members as mm
   where mm.matter_id = remove_matter_member.matter_id and mm.user_id = remove_matter_member.user_id
   for update;
  if not found then
    raise exception using errcode = 'P0001', message = 'member_not_found';
  end if;
  if not (private.user_is_staff(uid) or member.user_id = uid
          or (member.role = 'guest'
              and private.user_is_client_member(uid, (select m.client_id from public.matters as m where m.id = member.matter_id)))) then
    raise exception using errcode = 'P0001', message = 'forbidden',
      detail = 'Client users remove guests; staff remove anyone; everyone may leave.';
  end if;
  delete from public.matter_members as mm
   where mm.matter_id = member.matter_id and mm.user_id = member.user_id;
end;
$$;
comment on function public.remove_matter_member(uuid, uuid) is
  'Removes someone from a matter; a guest''s access (pages, topics, downloads) ends at once. Errors: not_authenticated, session_required, mfa_required, matter_not_found, member_not_found, forbidden.';

revoke all on function private.visible_matter_ids(uuid), private.checked_matter_fields(text, text, text), private.contains_pattern(text),
  private.require_staff(uuid) from public;
grant execute on function
  public.list_matters(text, uuid, text, timestamptz, uuid, integer), public.matter_overview(text),
  public.create_matter(uuid, text, text, text), public.update_matter(uuid, text, text, text, text),
  public.add_matter_staff(uuid, uuid), public.remove_matter_member(uuid, uuid)
  to authenticated;
