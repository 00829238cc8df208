-- People: profiles (one per auth user, created by trigger), staff (with the admin flag), clients
-- (Mandanten: a person or a company, with a reference number), client members (owner/member),
-- client groups and the clients in them.
--
-- Accounts only come from invitations (enable_signup = false; see invitations in 20261127040000).
-- Who sees whom: staff see everyone; a client user sees its own client, the co-members of that
-- client and the groups its client belongs to, but never which other clients share a group: the
-- existence of a mandate is itself confidential (§ 203 StGB). Staff names are visible to everyone
-- signed in, so clients know who is writing to them. Later migrations add more profile visibility
-- (people sharing a matter, a conversation, a ticket or a document).
--
-- Every table carries the restrictive second-factor policy; the permissive policies are one per
-- operation and audience.

-- ---------------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------------

create table public.profiles (
  id           uuid primary key references auth.users (id) on delete cascade,
  display_name text not null check (char_length(btrim(display_name)) between 1 and 200),
  locale       text not null default 'de' check (locale in ('de', 'en')),
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now()
);
comment on table public.profiles is 'One row per account: the name others see and the UI/mail language.';

create table public.staff (
  user_id    uuid primary key references public.profiles (id) on delete cascade,
  is_admin   boolean not null default false,
  created_at timestamptz not null default now()
);
comment on table public.staff is 'The firm: the lawyer(s) (is_admin) and employees. Staff see every client; admins also manage staff and read the audit log.';

create table public.clients (
  id               uuid primary key default gen_random_uuid(),
  kind             text not null check (kind in ('person', 'company')),
  name             text not null check (char_length(btrim(name)) between 1 and 300),
  reference_number text not null unique check (char_length(btrim(reference_number)) between 1 and 50),
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  archived_at      timestamptz
);
comment on table public.clients is 'Mandanten: a natural person or a company, with the firm''s reference number.';

create table public.client_members (
  client_id  uuid not null references public.clients (id) on delete cascade,
  user_id    uuid not null references public.profiles (id) on delete cascade,
  role       text not null default 'member' check (role in ('owner', 'member')),
  created_at timestamptz not null default now(),
  primary key (client_id, user_id)
);
comment on table public.client_members is 'Users acting for a client. Owners may invite and remove the client''s other users.';
create index client_members_user_id_idx on public.client_members (user_id);

create table public.client_groups (
  id          uuid primary key default gen_random_uuid(),
  name        text not null unique check (char_length(btrim(name)) between 1 and 200),
  description text,
  created_at  timestamptz not null default now()
);
comment on table public.client_groups is 'Groups of clients, e.g. an industry, that pages can address at once.';

create table public.client_group_members (
  group_id   uuid not null references public.client_groups (id) on delete cascade,
  client_id  uuid not null references public.clients (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (group_id, client_id)
);
comment on table public.client_group_members is 'Which clients belong to which group. A client sees only its own rows.';
create index client_group_members_client_id_idx on public.client_group_members (client_id);

create trigger profiles_touch_updated_at before update on public.profiles
  for each row execute function private.touch_updated_at();
create trigger clients_touch_updated_at before update on public.clients
  for each row execute function private.touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- A profile for every new auth user (GoTrue invite, admin API, seed)
-- ---------------------------------------------------------------------------------------------

create function private.create_profile_for_new_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  wanted_name text := nullif(btrim(new.raw_user_meta_data ->> 'display_name'), '');
  wanted_locale text := new.raw_user_meta_data ->> 'locale';
begin
  insert into public.profiles (id, display_name, locale)
  values (
    new.id,
    left(coalesce(wanted_name, nullif(split_part(coalesce(new.email, ''), '@', 1), ''), 'Neues Konto'), 200),
    case when wanted_locale in ('de', 'en') then wanted_locale else 'de' end
  )
  on conflict (id) do nothing;
  return new;
end;
$$;

create trigger on_auth_user_created_create_profile
  after insert on auth.users
  for each row execute function private.create_profile_for_new_user();

-- ---------------------------------------------------------------------------------------------
-- Helpers for policies (security definer: they read membership tables without recursing into RLS)
-- ---------------------------------------------------------------------------------------------

create function private.user_is_staff(user_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.staff as s where s.user_id = user_is_staff.user_id)
$$;

create function private.is_staff()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.user_is_staff(auth.uid())
$$;

create function private.is_admin()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.staff as s where s.user_id = auth.uid() and s.is_admin)
$$;

create function private.staff_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select s.user_id from public.staff as s
$$;

create function private.user_is_client_member(user_id uuid, client_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.client_members as cm
                  where cm.user_id = user_is_client_member.user_id
                    and cm.client_id = user_is_client_member.client_id)
$$;

create function private.my_client_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select cm.client_id from public.client_members as cm where cm.user_id = auth.uid()
$$;
comment on function private.my_client_ids() is 'Clients the caller acts for (not clients of matters it is a guest in).';

create function private.my_owned_client_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select cm.client_id from public.client_members as cm where cm.user_id = auth.uid() and cm.role = 'owner'
$$;

create function private.my_group_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select gm.group_id
    from public.client_group_members as gm
   where gm.client_id in (select private.my_client_ids())
$$;

create function private.client_co_member_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select cm.user_id
    from public.client_members as cm
   where cm.client_id in (select private.my_client_ids())
$$;

grant execute on function
  private.is_staff(), private.is_admin(), private.staff_ids(), private.my_client_ids(),
  private.my_owned_client_ids(), private.my_group_ids(), private.client_co_member_ids()
  to authenticated;

-- ---------------------------------------------------------------------------------------------
-- Permission changes are audited where they happen, whoever makes them
-- ---------------------------------------------------------------------------------------------

create function private.audit_permission_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  changed jsonb := to_jsonb(coalesce(new, old));
begin
  perform private.audit(
    case tg_op when 'INSERT' then 'permission.granted'
               when 'UPDATE' then 'permission.changed'
               else 'permission.revoked' end,
    tg_table_name,
    coalesce(changed ->> 'user_id', changed ->> 'client_id'),
    jsonb_build_object('old', to_jsonb(old), 'new', to_jsonb(new))
  );
  return null;
end;
$$;

create trigger staff_audit_permission_change
  after insert or update or delete on public.staff
  for each row execute function private.audit_permission_change();
create trigger client_members_audit_permission_change
  after insert or update or delete on public.client_members
  for each row execute function private.audit_permission_change();
create trigger client_group_members_audit_permission_change
  after insert or delete on public.client_group_members
  for each row execute function private.audit_permission_change();

-- The firm must never lock itself out of staff management.
create function private.keep_one_admin()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not exists (select 1 from public.staff as s where s.is_admin) then
    raise exception using errcode = 'P0001', message = 'last_admin',
      detail = 'At least one staff member must remain an admin.';
  end if;
  return null;
end;
$$;

create trigger staff_keep_one_admin
  after update of is_admin or delete on public.staff
  for each row execute function private.keep_one_admin();

-- ---------------------------------------------------------------------------------------------
-- Row level security
-- ---------------------------------------------------------------------------------------------

alter table public.profiles enable row level security;
alter table public.staff enable row level security;
alter table public.clients enable row level security;
alter table public.client_members enable row level security;
alter table public.client_groups enable row level security;
alter table public.client_group_members enable row level security;

-- Own profile stays readable without the gate: the enrolment screen needs name and language.
create policy "Only second-factor sessions see other people's profiles"
  on public.profiles as restrictive for all to authenticated
  using (id = (select auth.uid()) or (select private.access_allowed()))
  with check ((select private.access_allowed()));
create policy "Users can read their own profile"
  on public.profiles for select to authenticated
  using (id = (select auth.uid()));
create policy "Staff can read all profiles"
  on public.profiles for select to authenticated
  using ((select private.is_staff()));
create policy "Signed-in users can read the profiles of staff"
  on public.profiles for select to authenticated
  using (id in (select private.staff_ids()));
create policy "Client users can read the profiles of their client's users"
  on public.profiles for select to authenticated
  using (id in (select private.client_co_member_ids()));
create policy "Users can update their own profile"
  on public.profiles for update to authenticated
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()));

create policy "Only sessions that passed the second factor get access"
  on public.staff as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Staff can read the staff list"
  on public.staff for select to authenticated
  using ((select private.is_staff()));
create policy "Admins can add staff"
  on public.staff for insert to authenticated
  with check ((select private.is_admin()));
create policy "Admins can change staff roles"
  on public.staff for update to authenticated
  using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "Admins can remove staff"
  on public.staff for delete to authenticated
  using ((select private.is_admin()));

create policy "Only sessions that passed the second factor get access"
  on public.clients as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Staff can read all clients"
  on public.clients for select to authenticated
  using ((select private.is_staff()));
create policy "Client users can read their own client"
  on public.clients for select to authenticated
  using (id in (select private.my_client_ids()));
create policy "Staff can create clients"
  on public.clients for insert to authenticated
  with check ((select private.is_staff()));
create policy "Staff can update clients"
  on public.clients for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy "Admins can delete clients"
  on public.clients for delete to authenticated
  using ((select private.is_admin()));

create policy "Only sessions that passed the second factor get access"
  on public.client_members as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Staff can read all client members"
  on public.client_members for select to authenticated
  using ((select private.is_staff()));
create policy "Client users can read the members of their client"
  on public.client_members for select to authenticated
  using (client_id in (select private.my_client_ids()));
create policy "Staff can add client members"
  on public.client_members for insert to authenticated
  with check ((select private.is_staff()));
create policy "Staff can change client member roles"
  on public.client_members for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy "Staff can remove client members"
  on public.client_members for delete to authenticated
  using ((select private.is_staff()));
create policy "Client owners can remove members of their client"
  on public.client_members for delete to authenticated
  using (client_id in (select private.my_owned_client_ids()));

create policy "Only sessions that passed the second factor get access"
  on public.client_groups as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Staff can read all client groups"
  on public.client_groups for select to authenticated
  using ((select private.is_staff()));
create policy "Client users can read the groups their client belongs to"
  on public.client_groups for select to authenticated
  using (id in (select private.my_group_ids()));
create policy "Staff can create client groups"
  on public.client_groups for insert to authenticated
  with check ((select private.is_staff()));
create policy "Staff can update client groups"
  on public.client_groups for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy "Staff can delete client groups"
  on public.client_groups for delete to authenticated
  using ((select private.is_staff()));

create policy "Only sessions that passed the second factor get access"
  on public.client_group_members as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Staff can read all client group memberships"
  on public.client_group_members for select to authenticated
  using ((select private.is_staff()));
create policy "Client users can read their own client's group memberships"
  on public.client_group_members for select to authenticated
  using (client_id in (select private.my_client_ids()));
create policy "Staff can add clients to groups"
  on public.client_group_members for insert to authenticated
  with check ((select private.is_staff()));
create policy "Staff can remove clients from groups"
  on public.client_group_members for delete to authenticated
  using ((select private.is_staff()));

-- ---------------------------------------------------------------------------------------------
-- Privileges: only what the policies above allow (nothing for anon)
-- ---------------------------------------------------------------------------------------------

revoke all on public.profiles, public.staff, public.clients, public.client_members,
  public.client_groups, public.client_group_members from anon, authenticated;
grant all on public.profiles, public.staff, public.clients, public.client_members,
  public.client_groups, public.client_group_members to service_role;

grant select on public.profiles to authenticated;
grant update (display_name, locale) on public.profiles to authenticated;
grant select, insert, delete on public.staff to authenticated;
grant update (is_admin) on public.staff to authenticated;
grant select, insert, delete on public.clients to authenticated;
grant update (kind, name, reference_number, archived_at) on public.clients to authenticated;
grant select, insert, delete on public.client_members to authenticated;
grant update (role) on public.client_members to authenticated;
grant select, insert, delete on public.client_groups to authenticated;
grant update (name, description) on public.client_groups to authenticated;
grant select, insert, delete on public.client_group_members to authenticated;
