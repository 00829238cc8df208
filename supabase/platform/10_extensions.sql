-- =============================================================================
-- 10_extensions.sql — schema `extensions`, the preinstalled extensions, pg_cron
--
-- Mirrors supabase/postgres init-scripts 00000000000000-initial-schema.sql and
-- 00000000000003-post-setup.sql, migrations 10000000000000_demote-postgres,
-- 20220713082019 / 20231020085357 / 20260730000000 (pg_cron grants) and the
-- PostgREST schema-reload event triggers (20260923021047).
-- pg_cron here is the Debian package (1.4); Supabase ships 1.6 — same SQL API
-- for schedule/unschedule/job/job_run_details.
-- =============================================================================

-- On Supabase the init scripts run as `postgres` before it is demoted, so the
-- `extensions` schema (and the extensions created in it then) belong to it.
create schema extensions authorization postgres;
grant usage on schema extensions to postgres, anon, authenticated, service_role;
grant all on schema extensions to dashboard_user;

create extension "uuid-ossp"        with schema extensions;
create extension pgcrypto           with schema extensions;
create extension pg_stat_statements with schema extensions;

-- Not preinstalled on Supabase, but the CLI installs them on demand
-- (`supabase test db` -> pgtap, `supabase db lint` -> plpgsql_check) with
-- CREATE EXTENSION IF NOT EXISTS, which needs supautils' privileged-extension
-- hook there. Installing them here turns those statements into no-ops.
create extension pgtap         with schema extensions;
create extension plpgsql_check with schema extensions;

grant all on all tables    in schema extensions to postgres, dashboard_user;
grant all on all sequences in schema extensions to postgres, dashboard_user;
grant all on all routines  in schema extensions to postgres, dashboard_user;

-- -----------------------------------------------------------------------------
-- pg_cron. supautils overrides its schema to pg_catalog on Supabase; the
-- objects themselves live in schema `cron` (created by the extension script).
-- postgres may schedule/unschedule and read job_run_details, but only read
-- cron.job (writes go through cron.schedule/alter_job/unschedule).
-- -----------------------------------------------------------------------------
create extension pg_cron with schema pg_catalog;

grant usage on schema cron to postgres with grant option;
alter default privileges for role supabase_admin in schema cron grant all on tables    to postgres with grant option;
alter default privileges for role supabase_admin in schema cron grant all on functions to postgres with grant option;
alter default privileges for role supabase_admin in schema cron grant all on sequences to postgres with grant option;
grant all on all tables    in schema cron to postgres with grant option;
grant all on all functions in schema cron to postgres with grant option;
grant all on all sequences in schema cron to postgres with grant option;
revoke all on table cron.job from postgres;
grant select on table cron.job to postgres with grant option;
revoke trigger on table cron.job_run_details from postgres;

-- -----------------------------------------------------------------------------
-- PostgREST schema cache: Supabase notifies channel `pgrst` after DDL so the
-- REST server reloads its schema cache. The devstack's REST layer can LISTEN
-- on the same channel.
-- -----------------------------------------------------------------------------
create function extensions.pgrst_ddl_watch()
returns event_trigger
language plpgsql
as $fn$
declare
  cmd record;
begin
  for cmd in select * from pg_catalog.pg_event_trigger_ddl_commands() loop
    if cmd.command_tag in (
         'CREATE SCHEMA', 'ALTER SCHEMA',
         'CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'ALTER TABLE',
         'CREATE FOREIGN TABLE', 'ALTER FOREIGN TABLE',
         'CREATE VIEW', 'ALTER VIEW',
         'CREATE MATERIALIZED VIEW', 'ALTER MATERIALIZED VIEW',
         'CREATE FUNCTION', 'ALTER FUNCTION',
         'CREATE TRIGGER',
         'CREATE TYPE', 'ALTER TYPE',
         'CREATE RULE',
         'COMMENT')
       and cmd.schema_name is distinct from 'pg_temp'
    then
      perform pg_catalog.pg_notify('pgrst', 'reload schema');
    end if;
  end loop;
end;
$fn$;

create function extensions.pgrst_drop_watch()
returns event_trigger
language plpgsql
as $fn$
declare
  obj record;
begin
  for obj in select * from pg_catalog.pg_event_trigger_dropped_objects() loop
    if obj.object_type in ('schema', 'table', 'foreign table', 'view', 'materialized view',
                           'function', 'trigger', 'type', 'rule')
       and obj.is_temporary is false
    then
      perform pg_catalog.pg_notify('pgrst', 'reload schema');
    end if;
  end loop;
end;
$fn$;

create event trigger pgrst_ddl_watch on ddl_command_end execute function extensions.pgrst_ddl_watch();
create event trigger pgrst_drop_watch on sql_drop execute function extensions.pgrst_drop_watch();
