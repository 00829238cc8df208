-- Test: every table in public, storage.objects and realtime.messages carries a restrictive policy
-- that requires private.access_allowed(), so no permissive policy can forget the 2FA gate.
begin;
select plan(3);

select is(
  (select coalesce(array_agg(c.relname::text order by c.relname), '{}')
     from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p')
      and not exists (select 1 from pg_policies as p
                       where p.schemaname = 'public' and p.tablename = c.relname
                         and p.permissive = 'RESTRICTIVE' and p.cmd = 'ALL'
                         and p.roles = '{authenticated}' and p.qual like '%private.access_allowed()%')),
  '{}'::text[],
  'every table in public has a restrictive second-factor policy for all operations'
);
select ok(
  exists (select 1 from pg_policies where schemaname = 'storage' and tablename = 'objects'
             and permissive = 'RESTRICTIVE' and qual like '%private.access_allowed()%'),
  'storage.objects has the restrictive second-factor policy'
);
select ok(
  exists (select 1 from pg_policies where schemaname = 'realtime' and tablename = 'messages'
             and permissive = 'RESTRICTIVE' and qual like '%private.access_allowed()%'),
  'realtime.messages has the restrictive second-factor policy'
);

select * from finish();
rollback;
