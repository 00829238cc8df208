-- Administration, part 2: accounts, staff and invitations.
--
-- * Deactivation = GoTrue's ban (auth.users.banned_until, what the Auth admin API's ban_duration
--   writes, so sign-in and refresh are refused by Auth itself) + the portal's own record
--   (private.account_deactivations: who, when, why) + every session ended (the gate refuses the
--   access tokens from the next request on; the open app is told on user:<id> and signs out).
--   One transaction in Postgres, so Auth and the portal never disagree.
-- * Who may act on whom is one helper (private.account_action_refusal), shared by the RPCs and
--   list_people's can_manage: staff act on clients and guests, only admins on staff, nobody on
--   themselves.
-- * The gate (private.access_allowed) also refuses a deactivated account, so the portal's record
--   holds even if the Auth ban were lifted elsewhere; and "at least one admin" now means one admin
--   whose account is active (a deactivated admin cannot sign in to manage staff).
-- * list_people(): everyone with persona, second-factor state, last sign-in, deactivation — for
--   the accounts page, the person filter of the audit log and the GDPR actions.
-- * person_sessions() / end_person_sessions(): a person's devices, ended one or all.
-- * resend_invitation(): a new token and mail for an open or expired invitation (the old one is
--   revoked); revoke_invitation already exists.

create table private.account_deactivations (
  user_id        uuid primary key references auth.users (id) on delete cascade,
  deactivated_at timestamptz not null default now(),
  deactivated_by uuid references auth.users (id) on delete set null,
  reason         text check (char_length(reason) <= 500)
);
comment on table private.account_deactivations is
  'Accounts the firm deactivated (their Auth ban lasts 100 years while a row exists): who did it, when and why.';
create index account_deactivations_deactivated_by_idx on private.account_deactivations (deactivated_by);
alter table private.account_deactivations enable row level security;
revoke all on private.account_deactivations from public, anon, authenticated;
grant select on private.account_deactivations to service_role;

create function private.is_deactivated(user_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from private.account_deactivations as d where d.user_id = is_deactivated.user_id)
$$;

create or replace function private.access_allowed()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select auth.uid() is not null
     and exists (select 1 from auth.sessions as s
                  where s.id = private.current_session_id() and s.user_id = auth.uid())
     and not private.is_deactivated(auth.uid())
     and (private.session_verified()
          or (not private.has_second_factor(auth.uid())
              and coalesce(private.grace_period_ends_at(auth.uid()) > now(), false)))
$$;
comment on function private.access_allowed() is
  'The second-factor gate every policy on client data requires: a live session (not signed out) of an account the firm has not deactivated, and aal2, or an e-mail-verified session, or a user inside its 3-day grace period without any factor.';

-- The firm keeps at least one admin who can still sign in.
create or replace function private.keep_one_admin()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not exists (select 1 from public.staff as s where s.is_admin and not private.is_deactivated(s.user_id)) then
    raise exception using errcode = 'P0001', message = 'last_admin',
      detail = 'At least one staff member with an active account must remain an admin.';
  end if;
  return null;
end;
$$;

-- Null when the caller may manage the target's account, else the error code.
create function private.account_action_refusal(target_user_id uuid)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select case
    when not private.user_is_staff(auth.uid()) then 'forbidden'
    when not exists (select 1 from auth.users as u where u.id = target_user_id) then 'user_not_found'
    when target_user_id = auth.uid() then 'forbidden'
    when private.user_is_staff(target_user_id) and not private.is_admin() then 'forbidden'
  end
$$;

create function private.require_account_action(target_user_id uuid)
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  refusal text := private.account_action_refusal(target_user_id);
begin
  if refusal is not null then
    raise exception using errcode = 'P0001', message = refusal,
      detail = case refusal when 'forbidden' then 'Staff manage clients and guests; admins also staff; nobody their own account.' end;
  end if;
  return uid;
end;
$$;

create function public.deactivate_account(target_user_id uuid, reason text default null)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_account_action(target_user_id);
  ended integer;
begin
  if char_length(coalesce(reason, '')) > 500 then
    raise exception using errcode = 'P0001', message = 'value_too_long', detail = 'A reason has at most 500 characters.';
  end if;
  if private.is_deactivated(target_user_id) then
    return jsonb_build_object('user_id', target_user_id, 'sessions_ended', 0, 'already', true);
  end if;
  insert into private.account_deactivations (user_id, deactivated_by, reason)
  values (target_user_id, uid, nullif(btrim(coalesce(reason, '')), ''));
  -- What GoTrue's ban_duration writes (now + duration); GoTrue cannot read 'infinity' back.
  update auth.users as u set banned_until = now() + interval '100 years' where u.id = target_user_id;
  delete from private.download_grants as g where g.user_id = target_user_id;
  ended := private.end_sessions(target_user_id);
  perform private.audit('account.deactivated', 'user', target_user_id::text,
    jsonb_build_object('sessions_ended', ended, 'reason', nullif(btrim(coalesce(reason, '')), '')));
  return jsonb_build_object('user_id', target_user_id, 'sessions_ended', ended, 'already', false);
end;
$$;
comment on function public.deactivate_account(uuid, text) is
  'Staff (admins for staff): bans the account in Auth, records the deactivation, ends every session at once and tells the open app. Idempotent. Errors: forbidden, mfa_required, user_not_found, value_too_long.';

create function public.reactivate_account(target_user_id uuid)
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  perform private.require_account_action(target_user_id);
  delete from private.account_deactivations as d where d.user_id = target_user_id;
  if not found then
    return false;
  end if;
  update auth.users as u set banned_until = null where u.id = target_user_id;
  perform private.audit('account.reactivated', 'user', target_user_id::text);
  return true;
end;
$$;
comment on function public.reactivate_account(uuid) is
  'Staff (admins for staff): lifts a deactivation; the person signs in again (with the second factor). Errors: forbidden, mfa_required, user_not_found.';

create function public.list_people(
  search text default null,
  filter_persona text default null,
  only_deactivated boolean default false,
  after_name text default null,
  after_id uuid default null,
  max_rows integer default 25
)
returns table (
  user_id uuid, display_name text, email text, persona text, is_admin boolean, factor_state text,
  grace_period_ends_at timestamptz, last_sign_in_at timestamptz, deactivated_at timestamptz,
  client_names text[], can_manage boolean
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
  if filter_persona is not null and filter_persona not in ('admin', 'staff', 'client', 'guest', 'none') then
    raise exception using errcode = 'P0001', message = 'invalid_persona', detail = 'admin, staff, client, guest or none.';
  end if;
  return query
    select x.id, x.display_name, x.email, x.persona, x.persona = 'admin', private.factor_state(x.id),
           private.grace_period_ends_at(x.id), x.last_sign_in_at, d.deactivated_at,
           array(select c.name from public.client_members as cm join public.clients as c on c.id = cm.client_id
                  where cm.user_id = x.id order by c.name),
           private.account_action_refusal(x.id) is null
      from (select p.id, p.display_name, u.email::text as email, u.last_sign_in_at, private.persona_of(p.id) as persona
              from public.profiles as p
              join auth.users as u on u.id = p.id
             where (pattern = '%%' or p.display_name ilike pattern or u.email ilike pattern)
               and (list_people.after_id is null or (p.display_name, p.id) > (list_people.after_name, list_people.after_id))
             order by p.display_name, p.id) as x
      left join private.account_deactivations as d on d.user_id = x.id
     where (list_people.filter_persona is null or coalesce(x.persona, 'none') = list_people.filter_persona)
       and (not list_people.only_deactivated or d.user_id is not null)
     order by x.display_name, x.id
     limit greatest(least(coalesce(list_people.max_rows, 25), 100), 1);
end;
$$;
comment on function public.list_people(text, text, boolean, text, uuid, integer) is
  'Staff: every account with persona, second-factor state, last sign-in, deactivation, clients and whether the caller may manage it; keyset-paged by (display_name, id). Errors: forbidden, invalid_cursor, invalid_persona.';

create function public.person_sessions(target_user_id uuid)
returns table (id uuid, created_at timestamptz, refreshed_at timestamptz, user_agent text, ip text)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_account_action(target_user_id);
  return query
    select s.id, s.created_at, s.refreshed_at at time zone 'utc', s.user_agent, host(s.ip)
      from auth.sessions as s
     where s.user_id = target_user_id
     order by s.created_at desc, s.id;
end;
$$;
comment on function public.person_sessions(uuid) is
  'Staff (admins for staff): a person''s signed-in sessions, newest first. Errors: forbidden, user_not_found.';

create function public.end_person_sessions(target_user_id uuid, session_id uuid default null)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  ended integer;
begin
  perform private.require_account_action(target_user_id);
  ended := private.end_sessions(target_user_id, session_id);
  perform private.audit('account.sessions_ended', 'user', target_user_id::text,
    jsonb_build_object('session_id', session_id, 'sessions_ended', ended));
  return ended;
end;
$$;
comment on function public.end_person_sessions(uuid, uuid) is
  'Staff (admins for staff): ends one session of a person (session_id) or all of them; the gate refuses their tokens at once. Errors: forbidden, user_not_found.';

create function public.resend_invitation(invitation_id uuid)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  old public.invitations%rowtype;
begin
  perform private.require_staff();
  select * into old from public.invitations as i where i.id = resend_invitation.invitation_id;
  if not found then
    raise exception using errcode = 'P0001', message = 'invitation_not_found';
  end if;
  if old.accepted_at is not null then
    raise exception using errcode = 'P0001', message = 'invitation_already_accepted';
  end if;
  if old.kind = 'staff' and not private.is_admin() then
    raise exception using errcode = 'P0001', message = 'forbidden', detail = 'Only admins invite staff.';
  end if;
  -- The RPCs that invite (they revoke the open one for the same target and address).
  return case old.kind
    when 'staff' then public.invite_staff(old.email, old.role = 'admin')
    when 'client' then public.invite_to_client(old.client_id, old.email, old.role)
    else public.invite_to_matter(old.matter_id, old.email)
  end;
end;
$$;
comment on function public.resend_invitation(uuid) is
  'Staff (admins for staff invitations): a new invitation with a new token and mail for the same person and target; the old one is revoked. Errors: forbidden, invitation_not_found, invitation_already_accepted, and those of the invite RPCs.';

revoke execute on function private.is_deactivated(uuid), private.account_action_refusal(uuid),
  private.require_account_action(uuid) from public;
revoke execute on function public.deactivate_account(uuid, text), public.reactivate_account(uuid),
  public.list_people(text, text, boolean, text, uuid, integer), public.person_sessions(uuid),
  public.end_person_sessions(uuid, uuid), public.resend_invitation(uuid) from public;
grant execute on function public.deactivate_account(uuid, text), public.reactivate_account(uuid),
  public.list_people(text, text, boolean, text, uuid, integer), public.person_sessions(uuid),
  public.end_person_sessions(uuid, uuid), public.resend_invitation(uuid) to authenticated;
