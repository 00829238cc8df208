-- Who may remove which second factor, decided in the database for every path.
--
-- 1. The last second factor stays: a factor can only be removed while another one remains, for
--    every factor type (our e-mail factor, GoTrue's TOTP, phone and WebAuthn factors) and on every
--    path (remove_email_factor, GoTrue's DELETE /factors/{id}, its admin API, SQL). Before,
--    remove_email_factor() removed the only factor of an account, which then fell back to
--    password-only access inside its grace period, and GoTrue unenrols a TOTP factor from any aal2
--    session. GoTrue calls no hook when a factor is removed (the MFA hook runs on verification
--    only), so the rule is a trigger on each factor table. A removal stays possible where it must:
--      * unverified factors: an abandoned enrolment is not a second factor;
--      * the account is being deleted (the cascade from auth.users);
--      * factors enrolled before staff reset the user's factors: reset_user_factors records the
--        reset first, then the reset-factors function deletes GoTrue's factors (admin API).
--    "Needs a confirmed session" is checked where the session is known: remove_email_factor()
--    requires a live, verified session; GoTrue requires aal2 to unenrol a verified factor. GoTrue
--    answers a refused unenrol as it answers every database failure (500 unexpected_failure); the
--    app offers removal only while another factor exists.
-- 2. Staff resets apply only where there is something to reset: a person without a second factor
--    is refused (no_second_factor; a reset would only end their grace period). One helper,
--    private.factor_reset_refusal(), decides for reset_user_factors() and for can_reset_factors(),
--    which tells the app beside whom to show the action.

create function private.has_other_second_factor(user_id uuid, except_mfa_factor_id uuid, except_email boolean)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from auth.mfa_factors as f
                  where f.user_id = has_other_second_factor.user_id and f.status = 'verified'
                    and f.id is distinct from except_mfa_factor_id)
      or (not except_email
          and exists (select 1 from private.email_factors as e where e.user_id = has_other_second_factor.user_id))
$$;
comment on function private.has_other_second_factor(uuid, uuid, boolean) is
  'True when the user keeps a verified second factor besides the given GoTrue factor (or besides the e-mail factor).';

-- The account is being deleted, or staff reset its factors after this one was enrolled.
create function private.factor_removal_is_exempt(user_id uuid, enrolled_at timestamptz)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select not exists (select 1 from auth.users as u where u.id = factor_removal_is_exempt.user_id)
      or exists (select 1 from private.second_factor_resets as r
                  where r.user_id = factor_removal_is_exempt.user_id and r.reset_at >= enrolled_at)
$$;

create function private.keep_the_last_gotrue_factor()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if old.status = 'verified'
     and not private.factor_removal_is_exempt(old.user_id, old.created_at)
     and not private.has_other_second_factor(old.user_id, old.id, false) then
    raise exception using errcode = 'P0001', message = 'last_second_factor',
      detail = 'This is the account''s only second factor.', hint = 'Set up another factor first.';
  end if;
  return old;
end;
$$;
create trigger mfa_factors_keep_the_last_second_factor
  before delete on auth.mfa_factors
  for each row execute function private.keep_the_last_gotrue_factor();

create function private.keep_the_last_email_factor()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not private.factor_removal_is_exempt(old.user_id, old.verified_at)
     and not private.has_other_second_factor(old.user_id, null, true) then
    raise exception using errcode = 'P0001', message = 'last_second_factor',
      detail = 'This is the account''s only second factor.', hint = 'Set up another factor first.';
  end if;
  return old;
end;
$$;
create trigger email_factors_keep_the_last_second_factor
  before delete on private.email_factors
  for each row execute function private.keep_the_last_email_factor();

create or replace function public.remove_email_factor()
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := auth.uid();
begin
  perform private.require_current_session();
  if not private.session_verified() then
    raise exception using errcode = 'P0001', message = 'mfa_required';
  end if;
  if not exists (select 1 from private.email_factors as e where e.user_id = uid) then
    raise exception using errcode = 'P0001', message = 'email_factor_not_enrolled';
  end if;
  if not private.has_other_second_factor(uid, null, true) then
    raise exception using errcode = 'P0001', message = 'last_second_factor',
      detail = 'The e-mail code is the account''s only second factor.', hint = 'Set up the authenticator app first.';
  end if;
  delete from private.email_factors as e where e.user_id = uid;
  -- Other sessions verified by e-mail lose that assurance with the factor.
  delete from private.session_assurances as a
   where a.user_id = uid and a.session_id is distinct from private.current_session_id();
  perform private.audit('mfa.email_factor_removed', 'user', uid::text);
end;
$$;
comment on function public.remove_email_factor() is
  'Removes the caller''s e-mail factor while another factor remains (live, verified session required). Errors: not_authenticated, session_required, mfa_required, email_factor_not_enrolled, last_second_factor.';

-- Why the caller may not reset this user's factors now, as {code, detail}; null when it may.
create function private.factor_reset_refusal(target_user_id uuid)
returns text[]
language sql
stable
security definer
set search_path = ''
as $$
  select case
    when not private.user_is_staff(auth.uid())
      then array['forbidden', 'Only staff reset second factors.']
    when not private.session_verified()
      then array['mfa_required', 'Resetting another person''s second factor needs a session verified with your own.']
    when not exists (select 1 from auth.users as u where u.id = target_user_id)
      then array['user_not_found', 'There is no such user.']
    when target_user_id = auth.uid()
      then array['forbidden', 'Manage your own factors in your settings.']
    when private.user_is_staff(target_user_id) and not private.is_admin()
      then array['forbidden', 'Only admins reset the factors of staff.']
    when not private.has_second_factor(target_user_id)
      then array['no_second_factor', 'This person has no second factor to reset.']
  end
$$;
comment on function private.factor_reset_refusal(uuid) is
  'Staff reset client users and guests, only admins reset staff, nobody their own, only people with a factor, only from a verified session: the refusal as {code, detail}, or null.';

create or replace function public.reset_user_factors(target_user_id uuid)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  refusal text[] := private.factor_reset_refusal(target_user_id);
  target auth.users%rowtype;
  target_profile public.profiles%rowtype;
  gotrue_factor_ids uuid[];
  email_factor_removed boolean;
  sessions_ended integer;
begin
  if refusal is not null then
    raise exception using errcode = 'P0001', message = refusal[1], detail = refusal[2];
  end if;
  select * into target from auth.users as u where u.id = target_user_id;

  select coalesce(array_agg(f.id order by f.created_at), '{}') into gotrue_factor_ids
    from auth.mfa_factors as f where f.user_id = target.id;
  -- Recorded first: it ends the grace period and lets the triggers above remove the last factors.
  insert into private.second_factor_resets (user_id, reset_at, reset_by) values (target.id, now(), uid)
  on conflict (user_id) do update set reset_at = excluded.reset_at, reset_by = excluded.reset_by;
  delete from private.email_factors as e where e.user_id = target.id;
  email_factor_removed := found;
  delete from private.email_codes as c where c.user_id = target.id;
  delete from auth.sessions as s where s.user_id = target.id;
  get diagnostics sessions_ended = row_count;

  select * into target_profile from public.profiles as p where p.id = target.id;
  if target.email is not null then
    perform private.enqueue_mail('second_factor_reset', target_profile.locale, target.email, target.id,
      jsonb_build_object('display_name', target_profile.display_name,
                         'reset_by_name', (select p.display_name from public.profiles as p where p.id = uid)));
  end if;
  perform private.audit('mfa.factors_reset', 'user', target.id::text, jsonb_build_object(
    'gotrue_factor_ids', gotrue_factor_ids, 'email_factor', email_factor_removed, 'sessions_ended', sessions_ended));

  return jsonb_build_object('user_id', target.id, 'gotrue_factor_ids', gotrue_factor_ids,
                            'email_factor_removed', email_factor_removed, 'sessions_ended', sessions_ended);
end;
$$;
comment on function public.reset_user_factors(uuid) is
  'Staff (admins for staff): removes the user''s e-mail factor, ends its sessions and grace period, mails and audits; returns the GoTrue factor ids the reset-factors function then deletes. Errors: not_authenticated, session_required, mfa_required, forbidden, user_not_found, no_second_factor.';

create function public.can_reset_factors()
returns setof uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_access();
  return query select u.id from auth.users as u where private.factor_reset_refusal(u.id) is null;
end;
$$;
comment on function public.can_reset_factors() is
  'The ids of the users whose second factors the caller may reset now (what reset_user_factors would allow); empty for everyone but verified staff. Errors: not_authenticated, session_required, mfa_required.';
revoke execute on function public.can_reset_factors() from public;
grant execute on function public.can_reset_factors() to authenticated;
