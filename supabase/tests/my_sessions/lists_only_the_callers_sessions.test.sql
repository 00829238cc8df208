-- Test: my_sessions() lists exactly the caller's sessions, newest first, with device and address,
-- and marks the one of the caller's token as current; another user's sessions never show.
begin;
select plan(7);

select tests.create_portal_world();

select tests.remember('phone', tests.create_device_session('client_a', 'Mobile Safari', '198.51.100.7', now() - interval '2 hours'));
select tests.remember('office', tests.create_device_session('client_a', 'Firefox', '203.0.113.20', now() - interval '1 day'));
select tests.remember('other_user', tests.create_device_session('client_b', 'Chrome', '192.0.2.1', now() - interval '1 hour'));
select tests.remember('this_browser', tests.create_session('client_a'));

select tests.act_as('client_a', tests.fixture('this_browser'));
select results_eq(
  $$select id from public.my_sessions()$$,
  $$select unnest(array[tests.fixture('this_browser'), tests.fixture('phone'), tests.fixture('office')])$$,
  'the caller sees its three sessions, newest first, and no one else''s');
select results_eq(
  $$select id from public.my_sessions() where current$$,
  $$values (tests.fixture('this_browser'))$$,
  'only the session of this token is current');
select results_eq(
  $$select user_agent, ip, refreshed_at from public.my_sessions() where id = tests.fixture('phone')$$,
  $$values ('Mobile Safari'::text, '198.51.100.7'::text, now() - interval '2 hours')$$,
  'each session says which device, from which address, last refreshed when');

select tests.act_as('client_a', tests.fixture('phone'));
select results_eq(
  $$select id from public.my_sessions() where current$$,
  $$values (tests.fixture('phone'))$$,
  'from the phone, the phone''s session is current');

select tests.act_as('client_b');
select is((select count(*)::int from public.my_sessions()), 2, 'another user sees its own two sessions');
select ok(not exists (select 1 from public.my_sessions() where id in (tests.fixture('this_browser'), tests.fixture('phone'), tests.fixture('office'))),
  'and none of client_a''s');

select tests.act_as('lawyer');
select is((select count(*)::int from public.my_sessions() where not current), 0, 'staff see no other user''s sessions either');

select * from finish();
rollback;
