-- pgTAP persona helpers, loaded into the test instance only (tests/suites.ts) before pg_prove.
-- Modelled on the behaviour of usebasejump/supabase-test-helpers, written for this project:
-- named users, switching into them with the JWT claims PostgREST would set, RLS checks, time.

create schema if not exists tests;
create schema if not exists test_overrides;
grant usage on schema tests, test_overrides to anon, authenticated, service_role;

-- Creates an auth user tagged with a test identifier (in app_metadata: user_metadata takes only
-- the portal's keys); returns its id.
create or replace function tests.create_user(
  identifier text,
  email text default null,
  created_at timestamptz default now(),
  user_metadata jsonb default '{}'::jsonb
) returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  new_id uuid := gen_random_uuid();
begin
  insert into auth.users (
    instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
    raw_app_meta_data, raw_user_meta_data, created_at, updated_at
  ) values (
    '00000000-0000-0000-0000-000000000000', new_id, 'authenticated', 'authenticated',
    coalesce(email, identifier || '@test.example'), '', created_at,
    jsonb_build_object('provider', 'email', 'providers', jsonb_build_array('email'), 'test_identifier', identifier),
    user_metadata,
    created_at, created_at
  );
  return new_id;
end;
$$;

create or replace function tests.get_user_id(identifier text) returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  found_id uuid;
begin
  select u.id into found_id from auth.users u where u.raw_app_meta_data ->> 'test_identifier' = identifier;
  if found_id is null then
    raise exception 'tests: no user with identifier %', identifier;
  end if;
  return found_id;
end;
$$;

-- A session row as GoTrue keeps it, so `session_id` claims point at something real.
create or replace function tests.create_session(identifier text, aal text default 'aal1') returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  new_id uuid := gen_random_uuid();
begin
  insert into auth.sessions (id, user_id, created_at, updated_at, aal)
  values (new_id, tests.get_user_id(identifier), now(), now(), aal::auth.aal_level);
  return new_id;
end;
$$;

-- The claims of this user's access token: GoTrue's, less user_metadata, which the portal's
-- custom access token hook leaves out (security definer: reads auth.users).
create or replace function tests.user_claims(identifier text, aal text, session_id uuid) returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'iss', 'http://127.0.0.1:54321/auth/v1',
    'sub', u.id,
    'aud', 'authenticated',
    'role', 'authenticated',
    'email', u.email,
    'aal', aal,
    'amr', case when aal = 'aal2'
      then jsonb_build_array(jsonb_build_object('method', 'totp', 'timestamp', extract(epoch from now())::bigint),
                             jsonb_build_object('method', 'password', 'timestamp', extract(epoch from now())::bigint))
      else jsonb_build_array(jsonb_build_object('method', 'password', 'timestamp', extract(epoch from now())::bigint)) end,
    'session_id', session_id,
    'is_anonymous', false,
    'exp', extract(epoch from now() + interval '15 minutes')::bigint,
    'app_metadata', u.raw_app_meta_data
  )
  from auth.users u
  where u.id = tests.get_user_id(identifier);
$$;

-- Becomes the named user as PostgREST would: role authenticated plus the JWT claims.
-- Without a session id a fresh session with the given assurance level is created.
create or replace function tests.authenticate_as(identifier text, aal text default 'aal1', session_id uuid default null)
returns void
language plpgsql
as $$
begin
  perform set_config('request.jwt.claims',
    tests.user_claims(identifier, aal, coalesce(session_id, tests.create_session(identifier, aal)))::text, true);
  perform set_config('role', 'authenticated', true);
end;
$$;

create or replace function tests.authenticate_as_anon() returns void
language plpgsql
as $$
begin
  perform set_config('role', 'anon', true);
  perform set_config('request.jwt.claims', '{"role":"anon","iss":"supabase-demo"}', true);
end;
$$;

create or replace function tests.authenticate_as_service_role() returns void
language plpgsql
as $$
begin
  perform set_config('role', 'service_role', true);
  perform set_config('request.jwt.claims', '{"role":"service_role","iss":"supabase-demo"}', true);
end;
$$;

create or replace function tests.clear_authentication() returns void
language plpgsql
as $$
begin
  perform set_config('role', 'none', true);
  perform set_config('request.jwt.claims', '', true);
end;
$$;

-- pgTAP assertion: every table in the schema has row level security enabled.
create or replace function tests.rls_enabled(schema_name text) returns text
language sql
as $$
  select extensions.is(
    (select count(*)::int from pg_catalog.pg_class c
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = schema_name and c.relkind in ('r', 'p') and not c.relispartition
         and not c.relrowsecurity),
    0,
    format('every table in schema %s has row level security enabled', schema_name)
  );
$$;

create or replace function tests.rls_enabled(schema_name text, table_name text) returns text
language sql
as $$
  select extensions.ok(
    coalesce((select c.relrowsecurity from pg_catalog.pg_class c
               join pg_catalog.pg_namespace n on n.oid = c.relnamespace
              where n.nspname = schema_name and c.relname = table_name), false),
    format('table %s.%s has row level security enabled', schema_name, table_name)
  );
$$;

-- Freezing time affects unqualified now() in the test's own statements (search_path puts
-- test_overrides before pg_catalog). Functions with `set search_path = ''` keep the real clock:
-- give them explicit timestamps instead (e.g. a user's created_at four days ago).
create or replace function test_overrides.now() returns timestamptz
language sql
stable
as $$
  select coalesce(nullif(current_setting('tests.frozen_time', true), '')::timestamptz, pg_catalog.now());
$$;

create or replace function tests.freeze_time(frozen_time timestamptz) returns void
language plpgsql
as $$
begin
  perform set_config('tests.frozen_time', frozen_time::text, true);
  perform set_config('search_path', 'test_overrides, pg_catalog, "$user", public, extensions', true);
end;
$$;

create or replace function tests.unfreeze_time() returns void
language plpgsql
as $$
begin
  perform set_config('tests.frozen_time', '', true);
  perform set_config('search_path', '"$user", public, extensions', true);
end;
$$;

grant execute on all functions in schema tests, test_overrides to anon, authenticated, service_role;
