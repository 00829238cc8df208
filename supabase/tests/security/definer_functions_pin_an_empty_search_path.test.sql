-- Test: every security definer function of the portal runs with search_path = '' (no hijacking
-- through objects in the caller's search path), and no policy helper is volatile (stable, or
-- immutable like private.page_excerpt, which feeds a generated column).
begin;
select plan(2);

select is(
  (select coalesce(array_agg(p.oid::regprocedure::text order by 1), '{}')
     from pg_proc as p join pg_namespace as n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private', 'ops') and p.prosecdef
      and not coalesce('search_path=""' = any (p.proconfig), false)),
  '{}'::text[], 'security definer functions set search_path to empty');
select is(
  (select coalesce(array_agg(p.oid::regprocedure::text order by 1), '{}')
     from pg_proc as p join pg_namespace as n on n.oid = p.pronamespace
    where n.nspname = 'private' and has_function_privilege('authenticated', p.oid, 'execute')
      and p.provolatile = 'v'
      -- The one step of an invoker RPC that writes: preview_page_as (staff) opens the preview
      -- inside a subtransaction it always rolls back.
      and p.oid <> 'private.begin_page_preview(uuid, uuid)'::regprocedure),
  '{}'::text[], 'helpers that policies call are not volatile');

select * from finish();
rollback;
