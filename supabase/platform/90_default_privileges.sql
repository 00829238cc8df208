-- =============================================================================
-- 90_default_privileges.sql — schema public, API exposure, graphql_public
--
-- Mirrors supabase/postgres init-scripts 00000000000000-initial-schema.sql:
-- the API roles may use schema public and receive ALL on every table, function
-- and sequence postgres (or supabase_admin) creates there; RLS is what limits
-- anon and authenticated ("auto expose", the behaviour of CLI 2.117 with
-- [api] auto_expose_new_tables unset). The 2026 opt-out
-- (auto_expose_new_tables = false) is
--   alter default privileges for role postgres in schema public
--     revoke all on tables, sequences, functions from anon, authenticated, service_role;
-- which the devstack may run when config.toml asks for it.
-- =============================================================================

grant usage on schema public to postgres, anon, authenticated, service_role;

alter default privileges for role postgres in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;

alter default privileges for role supabase_admin in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;

-- -----------------------------------------------------------------------------
-- graphql_public: listed in config.toml [api] schemas, so PostgREST expects
-- it. pg_graphql is not installed (it is off by default on new Supabase
-- projects too); Supabase then keeps this placeholder, which answers every
-- GraphQL request with an error.
-- -----------------------------------------------------------------------------
create schema graphql_public authorization supabase_admin;
grant usage on schema graphql_public to postgres with grant option;
grant usage on schema graphql_public to anon, authenticated, service_role;

create function graphql_public.graphql(
  "operationName" text  default null,
  query           text  default null,
  variables       jsonb default null,
  extensions      jsonb default null
)
returns jsonb
language sql
stable
as $fn$
  select jsonb_build_object(
           'errors', jsonb_build_array(
             jsonb_build_object('message', 'pg_graphql extension is not enabled.')))
$fn$;

grant execute on function graphql_public.graphql(text, text, jsonb, jsonb)
  to postgres, anon, authenticated, service_role;
