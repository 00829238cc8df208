-- Test: policies are written the way DESIGN.md asks: for authenticated only (nothing for anon),
-- one operation each except the restrictive gate, named as sentences, and auth.uid() and the
-- helpers wrapped in (select …) so Postgres evaluates them once per statement.
begin;
select plan(4);

create temporary view portal_policies as
  select p.*, coalesce(p.qual, '') || ' ' || coalesce(p.with_check, '') as expression
    from pg_policies as p
   where p.schemaname = 'public'
      or (p.schemaname = 'storage' and p.tablename = 'objects')
      or (p.schemaname = 'realtime' and p.tablename = 'messages');

select is(
  (select coalesce(array_agg(policyname::text), '{}') from portal_policies where roles <> '{authenticated}'),
  '{}'::text[], 'every policy is for authenticated only');
select is(
  (select coalesce(array_agg(policyname::text), '{}') from portal_policies
    where cmd = 'ALL' and permissive = 'PERMISSIVE'),
  '{}'::text[], 'no permissive policy covers all operations at once');
select is(
  (select coalesce(array_agg(policyname::text), '{}') from portal_policies
    where policyname !~ '^[A-Z][^ ]* .+ .+[a-z]$' or length(policyname) >= 63),
  '{}'::text[], 'every policy is named as a sentence');
select is(
  (select coalesce(array_agg(policyname::text), '{}') from portal_policies
    where regexp_replace(expression, '\( SELECT auth\.uid\(\) AS uid\)', '', 'g') ~ 'auth\.uid\(\)'
       or regexp_replace(expression, '\( SELECT private\.(is_staff|is_admin|access_allowed)\(\) AS \w+\)', '', 'g')
          ~ 'private\.(is_staff|is_admin|access_allowed)\(\)'),
  '{}'::text[], 'auth.uid() and the role helpers are always wrapped in (select …)');

select * from finish();
rollback;
