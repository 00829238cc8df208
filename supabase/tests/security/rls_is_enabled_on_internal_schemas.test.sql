-- Test: the portal's internal schemas keep RLS on every table too (deny by default even if a
-- grant slips in), and the API roles cannot create objects there.
begin;
select plan(4);

select tests.rls_enabled('private');
select tests.rls_enabled('ops');
select tests.rls_enabled('graphql_public');
select ok(
  not exists (select 1 from pg_namespace where nspname in ('private', 'ops')
                 and (has_schema_privilege('authenticated', oid, 'create') or has_schema_privilege('anon', oid, 'create'))),
  'the API roles cannot create objects in private or ops'
);

select * from finish();
rollback;
