-- =============================================================================
-- 00_roles.sql — database roles of a Supabase project (devstack only)
--
-- Mirrors the roles, attributes, memberships and per-role settings that the
-- supabase/postgres image (15.x/17.6.1.1xx: init-scripts 00000000000000..03 and
-- migrations 10000000000000_demote-postgres, 20221028101028, 20230529180330,
-- 20231130133139, 20250421084701, 20251121141100, 20260821154147) and the
-- Supabase CLI's roles dump leave behind. Written for the devstack; a real
-- Supabase already has all of this.
--
-- Runs as the bootstrap superuser `supabase_admin` (created by initdb).
-- Every login role gets the local-development password 'postgres'.
-- =============================================================================

-- The platform superuser. initdb created it; give it the attributes and the
-- search path Supabase gives it.
alter role supabase_admin with superuser createdb createrole replication bypassrls login password 'postgres';
alter role supabase_admin set search_path to "$user", public, auth, extensions;

-- -----------------------------------------------------------------------------
-- API roles. PostgREST, Storage and Realtime switch into these per request.
-- Created NOINHERIT upstream, switched to INHERIT by 20230529180330.
-- -----------------------------------------------------------------------------
create role anon          nologin inherit;
create role authenticated nologin inherit;
create role service_role  nologin inherit bypassrls;

-- Short statement timeouts for the API roles (initial schema; PostgREST applies
-- the role's settings when it switches to the role).
alter role anon          set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';

-- PostgREST's connection role: may only become one of the API roles.
-- (Older images also granted supabase_admin to it; current ones do not rely on
-- that, and the devstack deliberately leaves it out.)
create role authenticator login noinherit password 'postgres';
grant anon, authenticated, service_role to authenticator;
alter role authenticator set statement_timeout = '8s';
alter role authenticator set lock_timeout = '8s';
-- Supabase also preloads `supautils` and `safeupdate` for authenticator
-- (session_preload_libraries). Neither library exists on Debian; the devstack's
-- REST layer has to reject UPDATE/DELETE without WHERE itself (SQLSTATE 21000).

-- -----------------------------------------------------------------------------
-- postgres: the role the dashboard, the CLI and project migrations use.
-- On Supabase it starts as the initdb superuser and is then demoted
-- (10000000000000_demote-postgres.sql): no superuser, but CREATEDB CREATEROLE
-- REPLICATION BYPASSRLS. It owns the database, hence (PG15) the public schema,
-- which PG15 gives to pg_database_owner.
-- -----------------------------------------------------------------------------
create role postgres login inherit nosuperuser createdb createrole replication bypassrls password 'postgres';
grant anon, authenticated, service_role to postgres;
grant pg_monitor to postgres;
alter role postgres set search_path to "$user", public, extensions;
-- Supabase additionally sets local_preload_libraries = safeupdate with
-- safeupdate.enabled = 0 for postgres (20260403172611); not available here and
-- a no-op in effect.

alter database postgres owner to postgres;
grant all on database postgres to postgres;

-- -----------------------------------------------------------------------------
-- Service roles of the platform components.
-- -----------------------------------------------------------------------------

-- GoTrue's database user. Owns everything in schema auth (20_auth.sql).
-- CREATEROLE was revoked upstream in 20260821154147.
create role supabase_auth_admin login noinherit nocreaterole noreplication password 'postgres';
alter role supabase_auth_admin set search_path to auth;
alter role supabase_auth_admin set idle_in_transaction_session_timeout to '60000';
grant create on database postgres to supabase_auth_admin;

-- Storage API's database user. Owns everything in schema storage and switches
-- into the API roles to run requests under RLS.
create role supabase_storage_admin login noinherit createrole noreplication password 'postgres';
alter role supabase_storage_admin set search_path to storage;
grant create on database postgres to supabase_storage_admin;
grant anon, authenticated, service_role to supabase_storage_admin;

-- Realtime's database user (init-scripts 00000000000003-realtime-schema.sql).
create role supabase_realtime_admin login noinherit createrole replication password 'postgres';
alter role supabase_realtime_admin set search_path to public, extensions, realtime;
grant create on database postgres to supabase_realtime_admin;
grant anon, authenticated, service_role to supabase_realtime_admin;
-- realtime.list_changes() sets log_min_messages; PG15 lets a superuser grant that.
grant set on parameter log_min_messages to supabase_realtime_admin;

-- Edge functions / database webhooks (supabase_functions schema, 50_net.sql).
create role supabase_functions_admin login noinherit createrole noreplication password 'postgres';
alter role supabase_functions_admin set search_path to supabase_functions;
grant supabase_functions_admin to postgres;

-- Logical replication / ETL users.
create role supabase_replication_admin login replication password 'postgres';
create role supabase_etl_admin         login replication password 'postgres';

-- Read-only user (read replicas, support tooling).
create role supabase_read_only_user login bypassrls password 'postgres';
grant pg_read_all_data to supabase_read_only_user;

-- Studio's role (no login on a local stack).
create role dashboard_user nologin nosuperuser createdb createrole replication;
grant all on database postgres to dashboard_user;

-- -----------------------------------------------------------------------------
-- PgBouncer / Supavisor auth lookup (pgbouncer schema, 20251121132723).
-- -----------------------------------------------------------------------------
create role pgbouncer login password 'postgres';

create schema pgbouncer;
grant usage on schema pgbouncer to pgbouncer;

create function pgbouncer.get_auth(p_usename text)
returns table (username text, password text)
language plpgsql
security definer
set search_path = ''
as $fn$
begin
  raise debug 'PgBouncer auth request: %', p_usename;
  return query
    select a.rolname::text,
           case when a.rolvaliduntil < pg_catalog.now() then null else a.rolpassword::text end
      from pg_catalog.pg_authid as a
     where a.rolname = p_usename
       and a.rolcanlogin;
end;
$fn$;

revoke execute on function pgbouncer.get_auth(text) from public;
grant execute on function pgbouncer.get_auth(text) to pgbouncer;
