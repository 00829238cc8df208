-- Test: staff remove an appointment (its answers go with it); a client user is refused, an unknown
-- id says so.
begin;
select plan(5);

select tests.create_portal_world();
select tests.act_as('client_a');
select throws_ok($$select public.delete_appointment(tests.fixture('appointment_page_a'))$$, 'P0001', 'forbidden', 'a client user may not');
select lives_ok($$select public.respond_to_appointment(tests.fixture('appointment_page_a'), 'confirmed')$$, 'the client confirms');
select tests.act_as('staff');
select lives_ok($$select public.delete_appointment(tests.fixture('appointment_page_a'))$$, 'staff may');
select is((select count(*)::int from public.appointment_responses where appointment_id = tests.fixture('appointment_page_a')), 0,
  'the answer went with it');
select throws_ok($$select public.delete_appointment(tests.fixture('appointment_page_a'))$$, 'P0001', 'appointment_not_found', 'again: not found');

select * from finish();
rollback;
