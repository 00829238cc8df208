-- Test: every foreign-key column (what policies and lists filter on) leads some index.
begin;
select plan(1);

select is(
  (select coalesce(array_agg(format('%s.%s', c.conrelid::regclass, a.attname) order by 1), '{}')
     from pg_constraint as c
     join pg_namespace as n on n.oid = c.connamespace
     join pg_attribute as a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    where c.contype = 'f' and n.nspname in ('public', 'private', 'ops') and cardinality(c.conkey) = 1
      and not exists (select 1 from pg_index as i where i.indrelid = c.conrelid and i.indkey[0] = c.conkey[1])),
  '{}'::text[], 'every foreign-key column is the first column of an index');

select * from finish();
rollback;
