-- Test: can_reset_factors(ids) names exactly those of the given people reset_user_factors() would
-- accept for the caller, so the app shows the action only there: staff see client users and guests
-- with a factor (nobody without one), admins also staff, nobody themselves; everyone else, and
-- staff in an unverified session, sees nobody. It answers only for the ids asked (one page of a
-- list, at most 100), never for the whole firm.
begin;
select plan(11);

select tests.create_portal_world();
insert into private.email_factors (user_id) values (tests.get_user_id('client_a2')), (tests.get_user_id('client_b'));

create function pg_temp.resettable_as(persona text) returns text[] language plpgsql as $$
declare
  names text[];
begin
  perform tests.act_as(persona);
  select coalesce(array_agg(f.name order by f.name), '{}') into names
    from public.can_reset_factors(array(select id from tests.fixtures)) as r (user_id) join tests.fixtures as f on f.id = r.user_id;
  perform tests.clear_authentication();
  return names;
end;
$$;

select is(pg_temp.resettable_as('staff'), array['client_a2', 'client_b', 'totp_aal1'],
  'staff: the client users that have a factor, not those without, not the admin, not themselves');
select is(pg_temp.resettable_as('lawyer'), array['client_a2', 'client_b', 'staff', 'totp_aal1'],
  'the admin also resets staff');
select is(pg_temp.resettable_as('client_a'), '{}'::text[], 'a client user resets nobody');
select is(pg_temp.resettable_as('guest'), '{}'::text[], 'nor does a guest');
select tests.authenticate_as('staff', 'aal1');
select throws_ok('select * from public.can_reset_factors(array[tests.get_user_id(''client_b'')])', 'P0001', 'mfa_required', 'staff at aal1 are told to step up first');
select tests.clear_authentication();
insert into private.email_factors (user_id) values (tests.get_user_id('guest'));
select is(pg_temp.resettable_as('staff'), array['client_a2', 'client_b', 'guest', 'totp_aal1'],
  'staff reset a guest too, once it has a factor');

select tests.act_as('staff');
select is(array(select public.can_reset_factors(array[tests.get_user_id('client_b'), tests.get_user_id('client_a')]))::text[],
  array[tests.get_user_id('client_b')::text], 'only the asked ids are answered: client_b, not client_a2 (not asked) nor client_a (no factor)');
select is(array(select public.can_reset_factors('{}'))::text[], '{}'::text[], 'no ids, nobody');
select throws_ok('select * from public.can_reset_factors(array(select gen_random_uuid() from generate_series(1, 101)))',
  'P0001', 'too_many_ids', 'more than 100 ids at once are refused');
select lives_ok('select count(public.reset_user_factors(r.user_id)) from public.can_reset_factors(array(select id from tests.fixtures)) as r (user_id)',
  'reset_user_factors accepts every listed person');
select tests.clear_authentication();
select tests.authenticate_as_anon();
select throws_ok('select * from public.can_reset_factors(''{}'')', '42501', null, 'anon cannot call it');

select * from finish();
rollback;
