-- Test: staff save appointments; a client user, a guest and an unverified session are refused, and
-- nothing changes.
begin;
select plan(5);

select tests.create_portal_world();
select tests.act_as('staff');
select lives_ok($$select public.save_appointment(tests.fixture('appointment_page_a'), 'Baubesprechung', now() + interval '1 day',
                  now() + interval '1 day 1 hour', page_id => tests.fixture('page_a'), location => 'Kanzlei')$$, 'staff may');
select tests.act_as('client_a');
select throws_ok($$select public.save_appointment(tests.fixture('appointment_page_a'), 'Verschoben', now(), now(), page_id => tests.fixture('page_a'))$$,
  'P0001', 'forbidden', 'a client user may not');
select tests.act_as('guest');
select throws_ok($$select public.save_appointment(gen_random_uuid(), 'x', now(), now(), client_id => tests.fixture('client_a_org'))$$,
  'P0001', 'forbidden', 'a guest may not');
select tests.authenticate_as('staff', 'aal1');
select throws_ok($$select public.save_appointment(gen_random_uuid(), 'x', now(), now(), client_id => tests.fixture('client_a_org'))$$,
  'P0001', 'mfa_required', 'staff without the second factor may not');
select tests.authenticate_as_service_role();
select is((select title from public.appointments where id = tests.fixture('appointment_page_a')), 'Baubesprechung', 'the title is unchanged');

select * from finish();
rollback;
