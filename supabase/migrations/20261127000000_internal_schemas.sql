-- Internal schemas and deny-by-default privileges.
--
-- `private` holds helpers that policies call (security definer predicates); the API roles may use
-- the schema but execute only what is granted function by function. `ops` holds operational state
-- (queues, backup runs, audit) that only the service role and the database itself touch.
-- Neither schema is in [api].schemas, so PostgREST never exposes them.

create schema if not exists private;
create schema if not exists ops;

revoke all on schema private from public;
revoke all on schema ops from public;
grant usage on schema private to anon, authenticated, service_role;
grant usage on schema ops to service_role;

-- Functions are not executable by everyone unless a migration grants them one by one.
alter default privileges in schema public revoke execute on functions from public;
alter default privileges in schema private revoke execute on functions from public;
alter default privileges in schema ops revoke execute on functions from public;
alter default privileges in schema public revoke execute on functions from anon, authenticated;
