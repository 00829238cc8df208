-- Test: staff see a client user's sessions and end one or all; an employee may not look at the
-- admin's; ending is audited.
begin;
select plan(5);

select tests.create_portal_world();
select tests.remember('device_1', tests.create_device_session('client_a', 'Firefox', '10.0.0.1', now() - interval '1 hour'));
select tests.create_device_session('client_a', 'Chrome', '10.0.0.2', now());
select tests.act_as('staff');
select is(array(select user_agent from public.person_sessions(tests.get_user_id('client_a'))), array['Chrome', 'Firefox'], 'newest first');
select is(public.end_person_sessions(tests.get_user_id('client_a'), tests.fixture('device_1')), 1, 'one session ended');
select is(public.end_person_sessions(tests.get_user_id('client_a')), 1, 'then the rest');
select throws_ok(format('select * from public.person_sessions(%L)', tests.get_user_id('lawyer')), 'P0001', 'forbidden',
  'an employee may not see the admin''s devices');
select tests.clear_authentication();
select is((select count(*)::int from ops.audit_events where action = 'account.sessions_ended' and entity_id = tests.get_user_id('client_a')::text),
  2, 'both are audited');

select * from finish();
rollback;
