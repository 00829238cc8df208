-- Test: every table of the portal says what it is for (`comment on table`).
begin;
select plan(1);

select is(
  (select coalesce(array_agg(format('%s.%s', n.nspname, c.relname) order by 1), '{}')
     from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
    where n.nspname in ('public', 'private', 'ops') and c.relkind in ('r', 'p')
      and obj_description(c.oid, 'pg_class') is null),
  '{}'::text[], 'every table in public, private and ops has a comment');

select * from finish();
rollback;
