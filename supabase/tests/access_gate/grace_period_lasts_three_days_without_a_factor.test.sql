-- Test: without any second factor a user passes the gate for 3 days after its creation, then no
-- longer; the gate never holds for anon or for a session without a user.
begin;
select plan(6);

select tests.create_user('almost_three_days', null, now() - interval '2 days 23 hours');
select tests.create_user('just_over_three_days', null, now() - interval '3 days 1 minute');

select tests.authenticate_as('almost_three_days');
select is(private.access_allowed(), true, 'a user created 2 days 23 hours ago without factor passes');
select is((public.my_access_state() ->> 'in_grace_period')::boolean, true, 'and is told it is in its grace period');

select tests.authenticate_as('just_over_three_days');
select is(private.access_allowed(), false, 'a user created 3 days and a minute ago without factor fails');
select is((public.my_access_state() ->> 'enrolment_required')::boolean, true, 'and is told it must enrol');

select tests.authenticate_as_anon();
select throws_ok('select private.access_allowed()', '42501', null, 'anon may not even evaluate the gate');
select tests.clear_authentication();
select is(private.access_allowed(), false, 'without a signed-in user the gate is closed');

select * from finish();
rollback;
