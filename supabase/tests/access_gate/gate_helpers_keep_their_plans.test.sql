-- Test: the gate and the persona helpers every RPC and policy calls are PL/pgSQL (their plans kept
-- per connection, not made anew in every statement), still security definer with an empty
-- search_path, and a deactivated staff member fails the gate while an active one passes.
begin;
select plan(4);

select is(
  (select array_agg(p.proname::text order by p.proname) from pg_proc as p
    where p.pronamespace = 'private'::regnamespace
      and p.proname in ('access_allowed', 'is_deactivated', 'session_verified', 'has_second_factor', 'grace_period_ends_at', 'user_is_staff', 'is_admin')
      and p.prolang = (select oid from pg_language where lanname = 'plpgsql')
      and p.prosecdef and p.proconfig = array['search_path=""']),
  array['access_allowed', 'grace_period_ends_at', 'has_second_factor', 'is_admin', 'is_deactivated', 'session_verified', 'user_is_staff'],
  'the seven gate and persona helpers are PL/pgSQL, security definer, search_path empty');

select tests.create_portal_world();

select tests.authenticate_as('staff', 'aal2');
select is(private.access_allowed(), true, 'an active staff member in an aal2 session passes the gate');

select tests.clear_authentication();
insert into private.account_deactivations (user_id) select tests.get_user_id('staff');
select is(private.is_deactivated(tests.get_user_id('staff')), true, 'the deactivation is seen');
select tests.authenticate_as('staff', 'aal2');
select is(private.access_allowed(), false, 'a deactivated staff member fails the gate');

select * from finish();
rollback;
