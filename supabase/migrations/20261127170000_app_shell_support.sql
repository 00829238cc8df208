-- What the app shell needs at start and on its security page, in as few calls as possible:
--
-- * my_access_state() also tells who the caller is in the portal (persona) and the profile's
--   display name and language, so the shell chooses navigation and locale from one call.
-- * my_sessions() lists the caller's signed-in devices (GoTrue's auth.sessions), marking this one,
--   so the user can see them and end the others with signOut({ scope: 'others' }).

-- The caller's role in the portal, the first that applies: admin, staff, client user, guest.
create function private.persona_of(uid uuid)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select case
    when exists (select 1 from public.staff as s where s.user_id = uid and s.is_admin) then 'admin'
    when exists (select 1 from public.staff as s where s.user_id = uid) then 'staff'
    when exists (select 1 from public.client_members as cm where cm.user_id = uid) then 'client'
    when exists (select 1 from public.matter_members as mm where mm.user_id = uid and mm.role = 'guest') then 'guest'
  end
$$;
comment on function private.persona_of(uuid) is
  'The user''s persona for the app: admin, staff, client (a client user) or guest (invited into matters only); null before any membership.';
revoke execute on function private.persona_of(uuid) from public;

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
  profile public.profiles;
begin
  perform private.require_current_session();
  ends_at := private.grace_period_ends_at(uid);
  select count(*)::integer into totp_count
    from auth.mfa_factors as f
   where f.user_id = uid and f.status = 'verified' and f.factor_type = 'totp';
  email_enrolled := exists (select 1 from private.email_factors as e where e.user_id = uid);
  has_factor := private.has_second_factor(uid);
  verified := private.session_verified();
  select * into profile from public.profiles as p where p.id = uid;
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
    'enrolment_required', not has_factor and not coalesce(ends_at > now(), false),
    'persona', private.persona_of(uid),
    'display_name', profile.display_name,
    'locale', profile.locale
  );
end;
$$;
comment on function public.my_access_state() is
  'The caller''s second-factor state (factors, grace deadline, whether this session is verified, must step up, or must enrol) and who the caller is: persona (admin, staff, client, guest or null), display_name, locale. Works without passing the gate. Errors: not_authenticated, session_required (the session has ended: sign in again).';
revoke execute on function public.my_access_state() from public;
grant execute on function public.my_access_state() to authenticated;

create function public.my_sessions()
returns table (
  id uuid,
  created_at timestamptz,
  refreshed_at timestamptz,
  user_agent text,
  ip text,
  current boolean
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uid uuid := private.require_access();
begin
  -- GoTrue writes refreshed_at as a timestamp without time zone in UTC.
  return query
    select s.id, s.created_at, s.refreshed_at at time zone 'utc', s.user_agent, host(s.ip),
           s.id = private.current_session_id()
      from auth.sessions as s
     where s.user_id = uid
     order by s.created_at desc, s.id;
end;
$$;
comment on function public.my_sessions() is
  'The caller''s signed-in sessions (devices), newest first; current marks the one of this token. End the others with signOut({ scope: ''others'' }). Errors: not_authenticated, session_required, mfa_required.';
revoke execute on function public.my_sessions() from public;
grant execute on function public.my_sessions() to authenticated;
