-- Matters (Mandate/Akten, "projects" in DESIGN.md), their members and invitations.
--
-- Access to a matter: staff (all), every user of the matter's client, and guests invited into
-- that one matter. matter_members rows with role 'client' or 'staff' record involvement (who is
-- working on it, who gets notified) but grant nothing by themselves: a client user removed from
-- its client loses all of that client's matters at once. Only role 'guest' grants access.
--
-- Invitations are the only way in: staff invite employees (admins only), staff and client
-- owners invite users into a client, staff and client users invite guests into a matter. The
-- token (256 random bits) goes only into the mail outbox; the database keeps its SHA-256 in
-- private.invitation_tokens. accept_invitation(token) checks expiry, revocation, single use and
-- that the signed-in user's e-mail is the invited one, then grants the membership.

create table public.matters (
  id          uuid primary key default gen_random_uuid(),
  client_id   uuid not null references public.clients (id) on delete restrict,
  title       text not null check (char_length(btrim(title)) between 1 and 300),
  reference   text unique check (char_length(btrim(reference)) between 1 and 50),
  status      text not null default 'open' check (status in ('open', 'closed')),
  description text,
  created_by  uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);
comment on table public.matters is 'A matter (Mandat/Akte) of one client, with its file reference (Aktenzeichen).';
create index matters_client_id_idx on public.matters (client_id);
create index matters_created_by_idx on public.matters (created_by);

create table public.matter_members (
  matter_id  uuid not null references public.matters (id) on delete cascade,
  user_id    uuid not null references public.profiles (id) on delete cascade,
  role       text not null check (role in ('staff', 'client', 'guest')),
  added_by   uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (matter_id, user_id)
);
comment on table public.matter_members is
  'People in a matter. Only role guest grants access (staff and the client''s users have it anyway); staff/client rows mark involvement.';
create index matter_members_user_id_idx on public.matter_members (user_id);
create index matter_members_added_by_idx on public.matter_members (added_by);

create table public.invitations (
  id          uuid primary key default gen_random_uuid(),
  kind        text not null check (kind in ('staff', 'client', 'matter')),
  client_id   uuid references public.clients (id) on delete cascade,
  matter_id   uuid references public.matters (id) on delete cascade,
  role        text not null,
  email       text not null check (email = lower(btrim(email)) and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  invited_by  uuid references public.profiles (id) on delete set null,
  created_at  timestamptz not null default now(),
  expires_at  timestamptz not null default now() + interval '7 days',
  accepted_at timestamptz,
  accepted_by uuid references public.profiles (id) on delete set null,
  revoked_at  timestamptz,
  revoked_by  uuid references public.profiles (id) on delete set null,
  constraint invitations_target check (
    (kind = 'staff' and client_id is null and matter_id is null and role in ('staff', 'admin'))
    or (kind = 'client' and client_id is not null and matter_id is null and role in ('owner', 'member'))
    or (kind = 'matter' and client_id is not null and matter_id is not null and role = 'guest')
  ),
  constraint invitations_settled_once check (accepted_at is null or revoked_at is null)
);
comment on table public.invitations is
  'Invitations by e-mail into the firm (staff), a client, or a matter (guests). The token is never stored in plain; see private.invitation_tokens.';
create index invitations_client_id_idx on public.invitations (client_id);
create index invitations_matter_id_idx on public.invitations (matter_id);
create index invitations_invited_by_idx on public.invitations (invited_by);
create index invitations_accepted_by_idx on public.invitations (accepted_by);
create index invitations_revoked_by_idx on public.invitations (revoked_by);
-- One open invitation per target and address; a new one replaces the old (invite_* revokes it).
create unique index invitations_one_open_per_target_idx
  on public.invitations (kind, coalesce(matter_id, client_id), email)
  where accepted_at is null and revoked_at is null;

create table private.invitation_tokens (
  invitation_id uuid primary key references public.invitations (id) on delete cascade,
  token_hash    bytea not null unique check (octet_length(token_hash) = 32)
);
comment on table private.invitation_tokens is 'SHA-256 of each invitation token (256 random bits, so no salt is needed).';
alter table private.invitation_tokens enable row level security;
revoke all on private.invitation_tokens from public, anon, authenticated, service_role;

create trigger matters_touch_updated_at before update on public.matters
  for each row execute function private.touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------

create function private.user_can_access_matter(user_id uuid, matter_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.matters as m
     where m.id = user_can_access_matter.matter_id
       and (private.user_is_staff(user_can_access_matter.user_id)
            or private.user_is_client_member(user_can_access_matter.user_id, m.client_id)
            or exists (select 1 from public.matter_members as mm
                        where mm.matter_id = m.id and mm.user_id = user_can_access_matter.user_id
                          and mm.role = 'guest'))
  )
$$;

create function private.my_matter_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.id from public.matters as m where m.client_id in (select private.my_client_ids())
  union
  select mm.matter_id from public.matter_members as mm where mm.user_id = auth.uid() and mm.role = 'guest'
$$;
comment on function private.my_matter_ids() is
  'Matters of the caller''s clients plus the matters it is a guest in (staff: use private.is_staff()).';

create function private.my_client_matter_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.id from public.matters as m where m.client_id in (select private.my_client_ids())
$$;

create function private.matter_co_member_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select mm.user_id from public.matter_members as mm where mm.matter_id in (select private.my_matter_ids())
$$;

grant execute on function private.my_matter_ids(), private.my_client_matter_ids(), private.matter_co_member_ids()
  to authenticated;

-- Role and membership must agree, whoever inserts the row.
create function private.check_matter_member_role()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  matter_client uuid;
begin
  select m.client_id into matter_client from public.matters as m where m.id = new.matter_id;
  if (new.role = 'staff') <> private.user_is_staff(new.user_id)
     or (new.role = 'client') <> private.user_is_client_member(new.user_id, matter_client) then
    raise exception using errcode = 'P0001', message = 'member_role_mismatch',
      detail = 'staff rows are for staff, client rows for the client''s users, guest rows for everyone else.';
  end if;
  return new;
end;
$$;

create trigger matter_members_check_role
  before insert or update on public.matter_members
  for each row execute function private.check_matter_member_role();

create trigger matter_members_audit_permission_change
  after insert or update or delete on public.matter_members
  for each row execute function private.audit_permission_change();

-- A user leaving a client leaves that client's matters as a 'client' member too.
create function private.drop_client_matter_memberships()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from public.matter_members as mm
   using public.matters as m
   where mm.matter_id = m.id and m.client_id = old.client_id and mm.user_id = old.user_id and mm.role = 'client';
  return null;
end;
$$;

create trigger client_members_drop_matter_memberships
  after delete on public.client_members
  for each row execute function private.drop_client_matter_memberships();

-- ---------------------------------------------------------------------------------------------
-- Row level security
-- ---------------------------------------------------------------------------------------------

alter table public.matters enable row level security;
alter table public.matter_members enable row level security;
alter table public.invitations enable row level security;

create policy "Only sessions that passed the second factor get access"
  on public.matters as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Staff can read all matters"
  on public.matters for select to authenticated
  using ((select private.is_staff()));
create policy "Client users and guests can read their matters"
  on public.matters for select to authenticated
  using (id in (select private.my_matter_ids()));
create policy "Staff can create matters"
  on public.matters for insert to authenticated
  with check ((select private.is_staff()));
create policy "Staff can update matters"
  on public.matters for update to authenticated
  using ((select private.is_staff())) with check ((select private.is_staff()));
create policy "Admins can delete matters"
  on public.matters for delete to authenticated
  using ((select private.is_admin()));

create policy "Only sessions that passed the second factor get access"
  on public.matter_members as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Staff can read all matter members"
  on public.matter_members for select to authenticated
  using ((select private.is_staff()));
create policy "Matter members can read who else is in their matters"
  on public.matter_members for select to authenticated
  using (matter_id in (select private.my_matter_ids()));
create policy "Staff can add matter members"
  on public.matter_members for insert to authenticated
  with check ((select private.is_staff()));
create policy "Staff can remove matter members"
  on public.matter_members for delete to authenticated
  using ((select private.is_staff()));
create policy "Client users can remove members of their client's matters"
  on public.matter_members for delete to authenticated
  using (matter_id in (select private.my_client_matter_ids()));
create policy "Members can leave a matter"
  on public.matter_members for delete to authenticated
  using (user_id = (select auth.uid()));

create policy "Only sessions that passed the second factor get access"
  on public.invitations as restrictive for all to authenticated
  using ((select private.access_allowed())) with check ((select private.access_allowed()));
create policy "Staff can read all invitations"
  on public.invitations for select to authenticated
  using ((select private.is_staff()));
create policy "Client users can read invitations into their client"
  on public.invitations for select to authenticated
  using (client_id in (select private.my_client_ids()));
create policy "Inviters can read the invitations they sent"
  on public.invitations for select to authenticated
  using (invited_by = (select auth.uid()));

create policy "Matter members can read the profiles of their co-members"
  on public.profiles for select to authenticated
  using (id in (select private.matter_co_member_ids()));

revoke all on public.matters, public.matter_members, public.invitations from anon, authenticated;
grant all on public.matters, public.matter_members, public.invitations to service_role;
grant select, insert, delete on public.matters to authenticated;
grant update (title, reference, status, description) on public.matters to authenticated;
grant select, insert, delete on public.matter_members to authenticated;
grant select on public.invitations to authenticated;

-- ---------------------------------------------------------------------------------------------
-- Invitation RPCs
-- ---------------------------------------------------------------------------------------------

-- Shared checks for every RPC that acts on client data.
create function private.require_access()
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if auth.uid() is null then
    raise exception using errcode = 'P0001', message = 'not_authenticated';
  end if;
  if not private.access_allowed() then
    raise exception using errcode = 'P0001', message = 'mfa_required',
      detail = 'This session has not passed the second factor.', hint = 'Enrol or verify a second factor.';
  end if;
  return auth.uid();
end;
$$;

create function private.normalized_email(address text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  cleaned text := lower(btrim(coalesce(address, '')));
begin
  if cleaned !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' or char_length(cleaned) > 254 then
    raise exception using errcode = 'P0001', message = 'invalid_email';
  end if;
  return cleaned;
end;
$$;

-- Creates the invitation, its hashed token and the invitation mail; replaces an open invitation
-- for the same target and address.
create function private.create_invitation(
  kind text,
  client_id uuid,
  matter_id uuid,
  role text,
  email text,
  template text,
  mail_data jsonb
)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  invitation_id uuid;
  token text := encode(extensions.gen_random_bytes(32), 'hex');
  inviter_name text;
  recipient_locale text;
begin
  update public.invitations as i
     set revoked_at = now(), revoked_by = auth.uid()
   where i.kind = create_invitation.kind
     and coalesce(i.matter_id, i.client_id) is not distinct from coalesce(create_invitation.matter_id, create_invitation.client_id)
     and i.email = create_invitation.email
     and i.accepted_at is null and i.revoked_at is null;

  insert into public.invitations (kind, client_id, matter_id, role, email, invited_by)
  values (create_invitation.kind, create_invitation.client_id, create_invitation.matter_id,
          create_invitation.role, create_invitation.email, auth.uid())
  returning id into invitation_id;
  insert into private.invitation_tokens (invitation_id, token_hash)
  values (invitation_id, extensions.digest(token, 'sha256'));

  select p.display_name into inviter_name from public.profiles as p where p.id = auth.uid();
  select p.locale into recipient_locale
    from auth.users as u join public.profiles as p on p.id = u.id
   where lower(u.email) = create_invitation.email;

  perform private.enqueue_mail(template, coalesce(recipient_locale, 'de'), create_invitation.email,
    null, coalesce(mail_data, '{}'::jsonb) || jsonb_build_object(
      'invitation_id', invitation_id,
      'inviter_name', inviter_name,
      'has_account', recipient_locale is not null,
      'secret', jsonb_build_object('token', token)));
  perform private.audit('invitation.created', 'invitation', invitation_id::text, jsonb_build_object(
    'kind', create_invitation.kind, 'client_id', create_invitation.client_id,
    'matter_id', create_invitation.matter_id, 'role', create_invitation.role, 'email', create_invitation.email));
  return invitation_id;
end;
$$;

create function public.invite_to_matter(matter_id uuid, email text)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  invitee text := private.normalized_email(email);
  target public.matters%rowtype;
begin
  select * into target from public.matters as m where m.id = invite_to_matter.matter_id;
  if not found or not private.user_can_access_matter(uid, target.id) then
    raise exception using errcode = 'P0001', message = 'matter_not_found';
  end if;
  if not (private.user_is_staff(uid) or private.user_is_client_member(uid, target.client_id)) then
    raise exception using errcode = 'P0001', message = 'forbidden',
      detail = 'Only the client''s users and staff may invite into a matter.';
  end if;
  if target.status = 'closed' then
    raise exception using errcode = 'P0001', message = 'matter_closed';
  end if;
  if exists (select 1 from auth.users as u
              where lower(u.email) = invitee and private.user_can_access_matter(u.id, target.id)) then
    raise exception using errcode = 'P0001', message = 'already_member';
  end if;
  return private.create_invitation('matter', target.client_id, target.id, 'guest', invitee,
    'matter_invitation', jsonb_build_object('matter_id', target.id, 'matter_title', target.title));
end;
$$;
comment on function public.invite_to_matter(uuid, text) is
  'Invites an e-mail address as a guest into a matter (staff and the client''s users). Errors: not_authenticated, mfa_required, invalid_email, matter_not_found, forbidden, matter_closed, already_member.';

create function public.invite_to_client(client_id uuid, email text, role text default 'member')
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  invitee text := private.normalized_email(email);
  target public.clients%rowtype;
begin
  if role is null or role not in ('owner', 'member') then
    raise exception using errcode = 'P0001', message = 'invalid_role';
  end if;
  select * into target from public.clients as c where c.id = invite_to_client.client_id;
  if not found or not (private.user_is_staff(uid) or private.user_is_client_member(uid, target.id)) then
    raise exception using errcode = 'P0001', message = 'client_not_found';
  end if;
  if not (private.user_is_staff(uid)
          or (role = 'member' and target.id in (select private.my_owned_client_ids()))) then
    raise exception using errcode = 'P0001', message = 'forbidden',
      detail = 'Staff invite owners and members; client owners invite members.';
  end if;
  if exists (select 1 from auth.users as u
              where lower(u.email) = invitee and private.user_is_client_member(u.id, target.id)) then
    raise exception using errcode = 'P0001', message = 'already_member';
  end if;
  return private.create_invitation('client', target.id, null, role, invitee,
    'client_invitation', jsonb_build_object('client_id', target.id, 'client_name', target.name));
end;
$$;
comment on function public.invite_to_client(uuid, text, text) is
  'Invites an e-mail address as a user of a client (staff: owner or member; client owners: member). Errors: not_authenticated, mfa_required, invalid_email, invalid_role, client_not_found, forbidden, already_member.';

create function public.invite_staff(email text, is_admin boolean default false)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  invitee text := private.normalized_email(email);
begin
  if not exists (select 1 from public.staff as s where s.user_id = uid and s.is_admin) then
    raise exception using errcode = 'P0001', message = 'forbidden', detail = 'Only admins invite staff.';
  end if;
  if exists (select 1 from auth.users as u where lower(u.email) = invitee and private.user_is_staff(u.id)) then
    raise exception using errcode = 'P0001', message = 'already_member';
  end if;
  return private.create_invitation('staff', null, null,
    case when coalesce(is_admin, false) then 'admin' else 'staff' end, invitee, 'staff_invitation', '{}'::jsonb);
end;
$$;
comment on function public.invite_staff(text, boolean) is
  'Invites an employee (admins only). Errors: not_authenticated, mfa_required, invalid_email, forbidden, already_member.';

create function public.accept_invitation(token text)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  invitation public.invitations%rowtype;
  caller_email text;
begin
  select i.* into invitation
    from private.invitation_tokens as t
    join public.invitations as i on i.id = t.invitation_id
   where t.token_hash = extensions.digest(coalesce(accept_invitation.token, ''), 'sha256')
   for update of i;
  if not found then
    raise exception using errcode = 'P0001', message = 'invitation_not_found';
  elsif invitation.accepted_at is not null then
    raise exception using errcode = 'P0001', message = 'invitation_already_accepted';
  elsif invitation.revoked_at is not null then
    raise exception using errcode = 'P0001', message = 'invitation_revoked';
  elsif invitation.expires_at <= now() then
    raise exception using errcode = 'P0001', message = 'invitation_expired', hint = 'Ask for a new invitation.';
  end if;

  select lower(u.email) into caller_email from auth.users as u where u.id = uid;
  if caller_email is distinct from invitation.email then
    raise exception using errcode = 'P0001', message = 'invitation_email_mismatch',
      detail = 'Sign in with the invited e-mail address.';
  end if;

  if invitation.kind = 'staff' then
    insert into public.staff (user_id, is_admin) values (uid, invitation.role = 'admin')
    on conflict (user_id) do update set is_admin = public.staff.is_admin or excluded.is_admin;
  elsif invitation.kind = 'client' then
    insert into public.client_members (client_id, user_id, role) values (invitation.client_id, uid, invitation.role)
    on conflict (client_id, user_id) do nothing;
  elsif not private.user_can_access_matter(uid, invitation.matter_id) then
    insert into public.matter_members (matter_id, user_id, role, added_by)
    values (invitation.matter_id, uid, 'guest', invitation.invited_by);
  end if;

  update public.invitations as i set accepted_at = now(), accepted_by = uid where i.id = invitation.id;
  perform private.audit('invitation.accepted', 'invitation', invitation.id::text,
    jsonb_build_object('kind', invitation.kind, 'client_id', invitation.client_id, 'matter_id', invitation.matter_id));
  return jsonb_build_object('invitation_id', invitation.id, 'kind', invitation.kind,
                            'client_id', invitation.client_id, 'matter_id', invitation.matter_id);
end;
$$;
comment on function public.accept_invitation(text) is
  'Accepts an invitation with the token from the mail, as the invited address. Errors: not_authenticated, mfa_required, invitation_not_found, invitation_already_accepted, invitation_revoked, invitation_expired, invitation_email_mismatch.';

create function public.revoke_invitation(invitation_id uuid)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  invitation public.invitations%rowtype;
begin
  select * into invitation from public.invitations as i where i.id = revoke_invitation.invitation_id for update;
  if not found
     or not (private.user_is_staff(uid) or invitation.invited_by = uid
             or invitation.client_id in (select private.my_client_ids())) then
    raise exception using errcode = 'P0001', message = 'invitation_not_found';
  end if;
  if not (private.user_is_staff(uid) or invitation.invited_by = uid
          or invitation.client_id in (select private.my_owned_client_ids())) then
    raise exception using errcode = 'P0001', message = 'forbidden';
  end if;
  if invitation.accepted_at is not null then
    raise exception using errcode = 'P0001', message = 'invitation_already_accepted';
  end if;
  if invitation.revoked_at is not null then
    raise exception using errcode = 'P0001', message = 'invitation_revoked';
  end if;
  update public.invitations as i set revoked_at = now(), revoked_by = uid where i.id = invitation.id;
  perform private.audit('invitation.revoked', 'invitation', invitation.id::text);
end;
$$;
comment on function public.revoke_invitation(uuid) is
  'Revokes an open invitation (staff, the inviter, or an owner of the client). Errors: not_authenticated, mfa_required, invitation_not_found, forbidden, invitation_already_accepted, invitation_revoked.';

grant execute on function
  public.invite_to_matter(uuid, text), public.invite_to_client(uuid, text, text),
  public.invite_staff(text, boolean), public.accept_invitation(text), public.revoke_invitation(uuid)
  to authenticated;
