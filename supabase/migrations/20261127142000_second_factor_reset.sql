-- Staff reset a user's second factors (lost phone, no access to the mailbox's codes).
--
-- public.reset_user_factors(target_user_id) runs as the calling staff member and does the
-- database's part in one transaction: removes the e-mail factor and open codes, ends every
-- session of the user (refresh tokens, e-mail assurances and GoTrue's aal claims go with them),
-- ends the grace period, mails the user a notice and writes the audit event. GoTrue's own factors
-- (TOTP) belong to GoTrue: the `reset-factors` edge function removes them through the Auth admin
-- API right after this call succeeded, with the ids returned here.
--
-- Decision: a reset does not restart the 3-day grace period. private.second_factor_resets
-- records the reset and private.grace_period_ends_at() ends the grace at that moment, so the user
-- can sign in with the password but do nothing except enrol a new factor (my_access_state says
-- enrolment_required). A reset therefore never opens access without a second factor.
--
-- Who: staff reset client users and guests; only admins reset staff; nobody resets their own
-- factors here (that is the settings page, with a verified session). The caller's own session
-- must have passed a second factor: the grace period is not enough for this.

create table private.second_factor_resets (
  user_id  uuid primary key references auth.users (id) on delete cascade,
  reset_at timestamptz not null default now(),
  reset_by uuid references auth.users (id) on delete set null
);
comment on table private.second_factor_resets is
  'The last time staff reset a user''s second factors; ends that user''s grace period (no access until a new factor is enrolled).';
create index second_factor_resets_reset_by_idx on private.second_factor_resets (reset_by);

alter table private.second_factor_resets enable row level security;
revoke all on private.second_factor_resets from public, anon, authenticated, service_role;

create or replace function private.grace_period_ends_at(user_id uuid)
returns timestamptz
language sql
stable
security definer
set search_path = ''
as $$
  -- least() skips the null of a user who was never reset
  select least(u.created_at + interval '3 days', r.reset_at)
    from auth.users as u
    left join private.second_factor_resets as r on r.user_id = u.id
   where u.id = grace_period_ends_at.user_id
$$;
comment on function private.grace_period_ends_at(uuid) is
  'Until then a user without a second factor may use the portal (3 days after creation, or never again after a factor reset); afterwards only enrolment works.';

create function public.reset_user_factors(target_user_id uuid)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
  target auth.users%rowtype;
  target_profile public.profiles%rowtype;
  gotrue_factor_ids uuid[];
  email_factor_removed boolean;
  sessions_ended integer;
begin
  if not private.user_is_staff(uid) then
    raise exception using errcode = 'P0001', message = 'forbidden', detail = 'Only staff reset second factors.';
  end if;
  if not private.session_verified() then
    raise exception using errcode = 'P0001', message = 'mfa_required',
      detail = 'Resetting another person''s second factor needs a session verified with your own.';
  end if;
  select * into target from auth.users as u where u.id = target_user_id;
  if not found then
    raise exception using errcode = 'P0001', message = 'user_not_found';
  end if;
  if target.id = uid then
    raise exception using errcode = 'P0001', message = 'forbidden', detail = 'Manage your own factors in your settings.';
  end if;
  if private.user_is_staff(target.id) and not private.is_admin() then
    raise exception using errcode = 'P0001', message = 'forbidden', detail = 'Only admins reset the factors of staff.';
  end if;

  select coalesce(array_agg(f.id order by f.created_at), '{}') into gotrue_factor_ids
    from auth.mfa_factors as f where f.user_id = target.id;
  delete from private.email_factors as e where e.user_id = target.id;
  email_factor_removed := found;
  delete from private.email_codes as c where c.user_id = target.id;
  insert into private.second_factor_resets (user_id, reset_at, reset_by) values (target.id, now(), uid)
  on conflict (user_id) do update set reset_at = excluded.reset_at, reset_by = excluded.reset_by;
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
  'Staff (admins for staff): removes the user''s e-mail factor, ends its sessions and grace period, mails and audits; returns the GoTrue factor ids the reset-factors function then deletes. Errors: not_authenticated, mfa_required, forbidden, user_not_found.';
grant execute on function public.reset_user_factors(uuid) to authenticated;
