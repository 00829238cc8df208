-- Test: a reset needs something to reset: a person without a second factor is refused (it would
-- only end their grace period), and the refusal changes nothing.
begin;
select plan(3);

select tests.create_portal_world();
select tests.act_as('staff');
select throws_ok(format('select public.reset_user_factors(%L)', tests.get_user_id('client_a')), 'P0001', 'no_second_factor',
  'a client user without a factor is refused');
select tests.clear_authentication();
select ok(not exists (select 1 from private.second_factor_resets where user_id = tests.get_user_id('client_a')), 'no reset is recorded');
select is((tests.access_state_as('client_a') ->> 'in_grace_period')::boolean, true, 'the grace period goes on');

select * from finish();
rollback;
