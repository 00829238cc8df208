-- Test: staff list every account with persona, factor state and whether they may manage it;
-- search and persona filter work; nobody else may list.
begin;
select plan(4);

select tests.create_portal_world();
select tests.act_as('staff');
select is((select persona || '/' || factor_state || '/' || can_manage from public.list_people(search => 'client.a@test')),
  'client/grace/true', 'found by address, with persona and state; staff may manage a client user');
select is((select can_manage from public.list_people(filter_persona => 'admin') where user_id = tests.get_user_id('lawyer')), false,
  'an employee may not manage the admin');
select throws_ok($$select * from public.list_people(filter_persona => 'boss')$$, 'P0001', 'invalid_persona', 'unknown personas are refused');
select tests.clear_authentication();
select is(tests.outcomes('select * from public.list_people()', array['client_a', 'guest', 'anon']),
  array['client_a: P0001 forbidden', 'guest: P0001 forbidden', 'anon: 42501 permission denied for function list_people'], 'staff only');

select * from finish();
rollback;
