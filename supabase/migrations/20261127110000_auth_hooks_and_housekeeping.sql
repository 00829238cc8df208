-- Brute-force protection through GoTrue's Postgres hooks, the sign-in audit, and hourly housekeeping.
--
-- hook_password_verification_attempt and hook_mfa_verification_attempt get {user_id, valid, ...}
-- after GoTrue checked the password / TOTP code. Per account and kind we count failures in a row:
-- from the 3rd failure on, every further attempt must wait 1 s, 2 s, 4 s … up to 60 s after the
-- last failure (progressive delay, like Nextcloud's, no hard lockout). Attempts inside the delay
-- are rejected without being evaluated, even with the right password, and do not extend it, so an
-- attacker cannot lock the owner out for longer than the delay. With the 60 s cap an account sees
-- at most ~63 evaluated failures an hour; a second rule rejects outright once 100 failures fall in
-- the last hour (ASVS 2.2.1: ≤ 100 per hour). A success resets the counter. Per-IP limits are
-- GoTrue's rate limiter's job. Every attempt is recorded in ops.auth_attempts; the moment an
-- account gets throttled, an audit event is written.
--
-- The MFA hook is used too: GoTrue limits TOTP verification per IP, not per account, so a
-- distributed guesser is slowed here the same way. (A rejected MFA attempt logs the session out.)
-- No custom-access-token hook: the gate reads tables through security definer helpers, no claim is
-- needed. A trigger on auth.sessions audits every sign-in and every change of assurance level.

create table ops.auth_throttle (
  user_id         uuid not null references auth.users (id) on delete cascade,
  kind            text not null check (kind in ('password', 'mfa')),
  failures_in_row integer not null default 0 check (failures_in_row >= 0),
  last_failure_at timestamptz,
  primary key (user_id, kind)
);
comment on table ops.auth_throttle is 'Failures in a row per account and kind (password, mfa) and when the last one happened.';

create table ops.auth_attempts (
  id           bigint generated always as identity primary key,
  user_id      uuid not null references auth.users (id) on delete cascade,
  kind         text not null check (kind in ('password', 'mfa')),
  outcome      text not null check (outcome in ('succeeded', 'failed', 'throttled')),
  ip           text,
  attempted_at timestamptz not null default now()
);
comment on table ops.auth_attempts is 'Every password and MFA verification GoTrue reported, with the decision taken (kept 30 days).';
create index auth_attempts_user_kind_time_idx on ops.auth_attempts (user_id, kind, attempted_at desc);
create index auth_attempts_attempted_at_idx on ops.auth_attempts (attempted_at);

alter table ops.auth_throttle enable row level security;
alter table ops.auth_attempts enable row level security;
revoke all on ops.auth_throttle, ops.auth_attempts from public, anon, authenticated, service_role;
grant select on ops.auth_throttle, ops.auth_attempts to service_role;

create function private.auth_retry_delay(failures_in_row integer)
returns interval
language sql
immutable
set search_path = ''
as $$
  select case when failures_in_row < 3 then interval '0'
              else least(interval '1 second' * power(2, least(failures_in_row - 3, 10)), interval '60 seconds') end
$$;
comment on function private.auth_retry_delay(integer) is 'Wait after the last failure: none for 1–2 failures, then 1 s doubling up to 60 s.';

create function private.register_auth_attempt(kind text, user_id uuid, valid boolean, ip text)
returns text
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  state ops.auth_throttle%rowtype;
  recent_failures integer;
begin
  insert into ops.auth_throttle (user_id, kind) values (register_auth_attempt.user_id, register_auth_attempt.kind)
  on conflict on constraint auth_throttle_pkey do nothing;
  select * into state from ops.auth_throttle as t
   where t.user_id = register_auth_attempt.user_id and t.kind = register_auth_attempt.kind
   for update;
  select count(*)::integer into recent_failures
    from ops.auth_attempts as a
   where a.user_id = register_auth_attempt.user_id and a.kind = register_auth_attempt.kind
     and a.outcome = 'failed' and a.attempted_at > now() - interval '1 hour';

  if (state.last_failure_at + private.auth_retry_delay(state.failures_in_row) > now()) or recent_failures >= 100 then
    insert into ops.auth_attempts (user_id, kind, outcome, ip)
    values (register_auth_attempt.user_id, register_auth_attempt.kind, 'throttled', register_auth_attempt.ip);
    return 'reject';
  end if;

  if valid then
    update ops.auth_throttle as t set failures_in_row = 0
     where t.user_id = register_auth_attempt.user_id and t.kind = register_auth_attempt.kind;
    insert into ops.auth_attempts (user_id, kind, outcome, ip)
    values (register_auth_attempt.user_id, register_auth_attempt.kind, 'succeeded', register_auth_attempt.ip);
    return 'continue';
  end if;

  update ops.auth_throttle as t set failures_in_row = t.failures_in_row + 1, last_failure_at = now()
   where t.user_id = register_auth_attempt.user_id and t.kind = register_auth_attempt.kind;
  insert into ops.auth_attempts (user_id, kind, outcome, ip)
  values (register_auth_attempt.user_id, register_auth_attempt.kind, 'failed', register_auth_attempt.ip);
  if state.failures_in_row + 1 = 3 then
    perform private.audit('auth.throttled', 'user', register_auth_attempt.user_id::text,
      jsonb_build_object('kind', register_auth_attempt.kind, 'ip', register_auth_attempt.ip));
  end if;
  return 'continue';
end;
$$;
comment on function private.register_auth_attempt(text, uuid, boolean, text) is
  'Records one verification attempt and decides: continue (GoTrue goes on with its own result) or reject (throttled).';

create function public.hook_password_verification_attempt(event jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if private.register_auth_attempt('password', (event ->> 'user_id')::uuid,
       coalesce((event ->> 'valid')::boolean, false), event -> 'metadata' ->> 'ip_address') = 'reject' then
    return jsonb_build_object('decision', 'reject', 'message', 'login_throttled', 'should_logout_user', false);
  end if;
  return jsonb_build_object('decision', 'continue');
end;
$$;
comment on function public.hook_password_verification_attempt(jsonb) is
  'GoTrue password verification hook: progressive delay per account, at most 100 failures per hour. Reject message: login_throttled.';

create function public.hook_mfa_verification_attempt(event jsonb)
returns jsonb
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if private.register_auth_attempt('mfa', (event ->> 'user_id')::uuid,
       coalesce((event ->> 'valid')::boolean, false), event -> 'metadata' ->> 'ip_address') = 'reject' then
    return jsonb_build_object('decision', 'reject', 'message', 'mfa_throttled');
  end if;
  return jsonb_build_object('decision', 'continue');
end;
$$;
comment on function public.hook_mfa_verification_attempt(jsonb) is
  'GoTrue MFA verification hook: the same per-account throttle for TOTP codes. Reject message: mfa_throttled.';

revoke execute on function public.hook_password_verification_attempt(jsonb), public.hook_mfa_verification_attempt(jsonb)
  from public, anon, authenticated, service_role;
grant usage on schema public to supabase_auth_admin;
grant execute on function public.hook_password_verification_attempt(jsonb), public.hook_mfa_verification_attempt(jsonb)
  to supabase_auth_admin;

-- ---------------------------------------------------------------------------------------------
-- Sign-ins and step-ups as GoTrue records them in auth.sessions, into the audit log
-- ---------------------------------------------------------------------------------------------

create function private.audit_session()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform private.audit('auth.signed_in', 'session', new.id::text,
      jsonb_build_object('aal', new.aal, 'user_agent', left(new.user_agent, 300)), new.user_id, new.ip);
  elsif new.aal is distinct from old.aal then
    perform private.audit('auth.assurance_changed', 'session', new.id::text,
      jsonb_build_object('from', old.aal, 'to', new.aal), new.user_id, new.ip);
  end if;
  return null;
end;
$$;

create trigger on_auth_session_audit
  after insert or update of aal on auth.sessions
  for each row execute function private.audit_session();

-- ---------------------------------------------------------------------------------------------
-- Housekeeping: expired codes, grants and old attempts go away every hour
-- ---------------------------------------------------------------------------------------------

create function private.housekeeping()
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  delete from private.email_codes as c where c.created_at < now() - interval '1 day';
  delete from private.download_grants as g where g.expires_at < now() - interval '1 hour';
  delete from ops.auth_attempts as a where a.attempted_at < now() - interval '30 days';
end;
$$;
comment on function private.housekeeping() is 'Hourly (pg_cron): removes expired e-mail codes, download grants and login attempts older than 30 days.';

create extension if not exists pg_cron with schema pg_catalog;
select cron.schedule('portal-housekeeping', '17 * * * *', 'select private.housekeeping()');
