-- Test: every table in a schema the API exposes (or that policies guard) has RLS enabled
-- (partitions are reached only through their parent, whose policies apply).
begin;
select plan(4);

select tests.rls_enabled('public');
select tests.rls_enabled('storage');
select tests.rls_enabled('realtime');
select ok(
  not exists (select 1 from pg_namespace where nspname = 'private' and has_schema_privilege('anon', oid, 'create')),
  'the API roles cannot create objects in the private schema'
);

select * from finish();
rollback;
