-- The second-factor gate: `private.access_allowed()`, which every policy on client data requires
-- (one restrictive policy per table), and the state it reads.
--
-- A session passes the gate when
--   * its access token says aal2 (GoTrue: a TOTP or other MFA factor was verified), or
--   * this very session (the token's session_id) verified one of our e-mail codes, or
--   * the user has no second factor yet and was created less than 3 days ago (grace period).
-- A user whose grace period ended without a factor fails the gate everywhere and can only enrol
-- (the e-mail code RPCs in 20261127035000 and GoTrue's TOTP enrolment do not depend on the gate).
-- A user with a factor whose session is only aal1 fails the gate until it steps up.
--
-- E-mail factor tables live in `private`: the app never reads them directly, it asks
-- `public.my_access_state()`.

create table private.email_factors (
  user_id     uuid primary key references auth.users (id) on delete cascade,
  verified_at timestamptz not null default now()
);
comment on table private.email_factors is
  'Users who enrolled the e-mail second factor (codes go to auth.users.email). One row per user.';

create table private.email_codes (
  id              uuid primary key default gen_random_uuid(),
  user_id         uuid not null references auth.users (id) on delete cascade,
  session_id      uuid not null references auth.sessions (id) on delete cascade,
  purpose         text not null check (purpose in ('enrol', 'verify')),
  salt            bytea not null check (octet_length(salt) = 16),
  code_hash       bytea not null check (octet_length(code_hash) = 32),
  created_at      timestamptz not null default now(),
  expires_at      timestamptz not null,
  attempts        integer not null default 0 check (attempts between 0 and 5),
  consumed_at     timestamptz,
  consumed_reason text check (consumed_reason in ('verified', 'superseded', 'exhausted')),
  check ((consumed_at is null) = (consumed_reason is null))
);
comment on table private.email_codes is
  'One-time e-mail codes: HMAC-SHA-256 of the 6 digits keyed with a random 128-bit salt, valid 10 minutes, 5 attempts, single use, bound to the session that requested it.';

create index email_codes_user_id_created_at_idx on private.email_codes (user_id, created_at desc);
create index email_codes_session_id_created_at_idx on private.email_codes (session_id, created_at desc);

create table private.session_assurances (
  session_id  uuid primary key references auth.sessions (id) on delete cascade,
  user_id     uuid not null references auth.users (id) on delete cascade,
  method      text not null default 'email' check (method = 'email'),
  verified_at timestamptz not null default now()
);
comment on table private.session_assurances is
  'Sessions that passed our e-mail second factor. Ends with the session (GoTrue deletes it on sign-out).';

create index session_assurances_user_id_idx on private.session_assurances (user_id);

alter table private.email_factors enable row level security;
alter table private.email_codes enable row level security;
alter table private.session_assurances enable row level security;
revoke all on private.email_factors, private.email_codes, private.session_assurances
  from public, anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Gate helpers
-- ---------------------------------------------------------------------------------------------

-- The token's session_id claim; null when absent or not a uuid.
create function private.current_session_id()
returns uuid
language plpgsql
stable
set search_path = ''
as $$
begin
  return (auth.jwt() ->> 'session_id')::uuid;
exception
  when invalid_text_representation then
    return null;
end;
$$;

create function private.has_second_factor(user_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from auth.mfa_factors as f
                  where f.user_id = has_second_factor.user_id and f.status = 'verified')
      or exists (select 1 from private.email_factors as e
                  where e.user_id = has_second_factor.user_id)
$$;
comment on function private.has_second_factor(uuid) is
  'True when the user has a verified GoTrue MFA factor (TOTP, WebAuthn, phone) or our e-mail factor.';

create function private.grace_period_ends_at(user_id uuid)
returns timestamptz
language sql
stable
security definer
set search_path = ''
as $$
  select u.created_at + interval '3 days' from auth.users as u where u.id = grace_period_ends_at.user_id
$$;
comment on function private.grace_period_ends_at(uuid) is
  'Until then a user without a second factor may use the portal; afterwards only enrolment works.';

-- True when this session verified an e-mail code or carries aal2.
create function private.session_verified()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(auth.jwt() ->> 'aal', '') = 'aal2'
      or exists (select 1 from private.session_assurances as a
                  where a.session_id = private.current_session_id() and a.user_id = auth.uid())
$$;

create function private.access_allowed()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select auth.uid() is not null
     and (private.session_verified()
          or (not private.has_second_factor(auth.uid())
              and coalesce(private.grace_period_ends_at(auth.uid()) > now(), false)))
$$;
comment on function private.access_allowed() is
  'The second-factor gate every policy on client data requires: aal2, or an e-mail-verified session, or a user inside its 3-day grace period without any factor.';

-- Policies run as the caller, so the caller needs execute on what they call.
grant execute on function private.access_allowed() to authenticated;

-- ---------------------------------------------------------------------------------------------
-- What the app needs to know to route the user (enrol, step up, or go on)
-- ---------------------------------------------------------------------------------------------

create function public.my_access_state()
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
  if uid is null then
    raise exception using errcode = 'P0001', message = 'not_authenticated';
  end if;
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
  'The caller''s second-factor state: factors, grace deadline, whether this session is verified, must step up, or must enrol. Works without passing the gate.';
grant execute on function public.my_access_state() to authenticated;
