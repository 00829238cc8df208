-- A token whose session has ended (signed out everywhere, factors reset, refresh token reused) is
-- told so: RPCs and my_access_state() raise `session_required`, as the e-mail code RPCs already do.
--
-- Since 20261127150000 the gate refuses such tokens, but RPCs answered `mfa_required` and
-- my_access_state() reported no access with neither step-up nor enrolment required, which would
-- send the app to the second-factor screen of a session that cannot pass it any more. With
-- `session_required` the app signs the user out and shows the sign-in instead.

create or replace function private.require_access()
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_current_session();
  if not private.access_allowed() then
    raise exception using errcode = 'P0001', message = 'mfa_required',
      detail = 'This session has not passed the second factor.', hint = 'Enrol or verify a second factor.';
  end if;
  return auth.uid();
end;
$$;
comment on function private.require_access() is
  'Shared check of every RPC on client data: a signed-in user (not_authenticated), a live session (session_required), the second-factor gate (mfa_required).';

create or replace function public.my_access_state()
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid := auth.uid();
  ends_at timestamptz;
  totp_count integer;
  email_enrolled boolean;
  has_factor boolean;
  verified boolean;
begin
  perform private.require_current_session();
  ends_at := private.grace_period_ends_at(uid);
  select count(*)::integer into totp_count
    from auth.mfa_factors as f
   where f.user_id = uid and f.status = 'verified' and f.factor_type = 'totp';
  email_enrolled := exists (select 1 from private.email_factors as e where e.user_id = uid);
  has_factor := private.has_second_factor(uid);
  verified := private.session_verified();
  return jsonb_build_object(
    'user_id', uid,
    'aal', coalesce(auth.jwt() ->> 'aal', 'aal1'),
    'factors', jsonb_build_object('totp', totp_count, 'email', email_enrolled),
    'has_factor', has_factor,
    'grace_period_ends_at', ends_at,
    'in_grace_period', coalesce(ends_at > now(), false),
    'session_verified', verified,
    'access_allowed', private.access_allowed(),
    'step_up_required', has_factor and not verified,
    'enrolment_required', not has_factor and not coalesce(ends_at > now(), false)
  );
end;
$$;
comment on function public.my_access_state() is
  'The caller''s second-factor state: factors, grace deadline, whether this session is verified, must step up, or must enrol. Works without passing the gate. Errors: not_authenticated, session_required (the session has ended: sign in again).';
