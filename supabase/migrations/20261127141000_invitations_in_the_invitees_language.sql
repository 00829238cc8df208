-- Invitations in the invitee's language, addressed by name (replaces the RPCs of 20261127040000).
--
-- An address without an account has no profile yet, so the inviter chooses the language of the
-- invitation mail (invitee_locale) and may give the name (invitee_name). The mail function passes
-- both to GoTrue when it creates the account, so the new profile starts with them. For an address
-- that already has an account its own profile language and name win.
-- The mail data also carries the invited role and the invitation's expiry for the mail text.

drop function public.invite_to_matter(uuid, text);
drop function public.invite_to_client(uuid, text, text);
drop function public.invite_staff(text, boolean);
drop function private.create_invitation(text, uuid, uuid, text, text, text, jsonb);

create function private.create_invitation(
  kind text,
  client_id uuid,
  matter_id uuid,
  role text,
  email text,
  template text,
  mail_data jsonb,
  invitee_locale text,
  invitee_name text
)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  invitation public.invitations%rowtype;
  token text := encode(extensions.gen_random_bytes(32), 'hex');
  wanted_name text := nullif(btrim(coalesce(invitee_name, '')), '');
  inviter_name text;
  account_locale text;
  account_name text;
begin
  if invitee_locale is not null and invitee_locale not in ('de', 'en') then
    raise exception using errcode = 'P0001', message = 'invalid_locale', detail = 'The invitation language is de or en.';
  end if;
  if char_length(wanted_name) > 200 then
    raise exception using errcode = 'P0001', message = 'invalid_display_name', detail = 'A name has at most 200 characters.';
  end if;

  update public.invitations as i
     set revoked_at = now(), revoked_by = auth.uid()
   where i.kind = create_invitation.kind
     and coalesce(i.matter_id, i.client_id) is not distinct from coalesce(create_invitation.matter_id, create_invitation.client_id)
     and i.email = create_invitation.email
     and i.accepted_at is null and i.revoked_at is null;

  insert into public.invitations (kind, client_id, matter_id, role, email, invited_by)
  values (create_invitation.kind, create_invitation.client_id, create_invitation.matter_id,
          create_invitation.role, create_invitation.email, auth.uid())
  returning * into invitation;
  insert into private.invitation_tokens (invitation_id, token_hash)
  values (invitation.id, extensions.digest(token, 'sha256'));

  select p.display_name into inviter_name from public.profiles as p where p.id = auth.uid();
  select p.locale, p.display_name into account_locale, account_name
    from auth.users as u join public.profiles as p on p.id = u.id
   where lower(u.email) = create_invitation.email;

  -- has_account is a hint only: the mail function asks GoTrue when it sends.
  perform private.enqueue_mail(template, coalesce(account_locale, invitee_locale, 'de'), create_invitation.email,
    null, coalesce(mail_data, '{}'::jsonb) || jsonb_build_object(
      'invitation_id', invitation.id,
      'role', invitation.role,
      'expires_at', invitation.expires_at,
      'inviter_name', inviter_name,
      'invitee_name', coalesce(account_name, wanted_name),
      'has_account', account_locale is not null,
      'secret', jsonb_build_object('token', token)));
  perform private.audit('invitation.created', 'invitation', invitation.id::text, jsonb_build_object(
    'kind', create_invitation.kind, 'client_id', create_invitation.client_id,
    'matter_id', create_invitation.matter_id, 'role', create_invitation.role, 'email', create_invitation.email));
  return invitation.id;
end;
$$;

create function public.invite_to_matter(matter_id uuid, email text, invitee_locale text default null, invitee_name text default null)
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
    'matter_invitation', jsonb_build_object('matter_id', target.id, 'matter_title', target.title),
    invitee_locale, invitee_name);
end;
$$;
comment on function public.invite_to_matter(uuid, text, text, text) is
  'Invites an e-mail address as a guest into a matter (staff and the client''s users); invitee_locale (de/en) and invitee_name are for a new account. Errors: not_authenticated, mfa_required, invalid_email, invalid_locale, invalid_display_name, matter_not_found, forbidden, matter_closed, already_member.';

create function public.invite_to_client(
  client_id uuid, email text, role text default 'member', invitee_locale text default null, invitee_name text default null
)
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
    'client_invitation', jsonb_build_object('client_id', target.id, 'client_name', target.name),
    invitee_locale, invitee_name);
end;
$$;
comment on function public.invite_to_client(uuid, text, text, text, text) is
  'Invites an e-mail address as a user of a client (staff: owner or member; client owners: member); invitee_locale (de/en) and invitee_name are for a new account. Errors: not_authenticated, mfa_required, invalid_email, invalid_locale, invalid_display_name, invalid_role, client_not_found, forbidden, already_member.';

create function public.invite_staff(email text, is_admin boolean default false, invitee_locale text default null, invitee_name text default null)
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
    case when coalesce(is_admin, false) then 'admin' else 'staff' end, invitee, 'staff_invitation', '{}'::jsonb,
    invitee_locale, invitee_name);
end;
$$;
comment on function public.invite_staff(text, boolean, text, text) is
  'Invites an employee (admins only); invitee_locale (de/en) and invitee_name are for a new account. Errors: not_authenticated, mfa_required, invalid_email, invalid_locale, invalid_display_name, forbidden, already_member.';

grant execute on function
  public.invite_to_matter(uuid, text, text, text), public.invite_to_client(uuid, text, text, text, text),
  public.invite_staff(text, boolean, text, text)
  to authenticated;
