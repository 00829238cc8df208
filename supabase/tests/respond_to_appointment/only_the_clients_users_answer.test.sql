-- Test: only users of a client an appointment concerns answer it, for their client; the second
-- user sees the answer; asking for another time opens one ticket for staff, also when retried;
-- everyone else is told the appointment does not exist.
begin;
select plan(12);

select tests.create_portal_world();
select tests.act_as('client_a');
select is((public.respond_to_appointment(tests.fixture('appointment_page_a'), 'confirmed')).response, 'confirmed', 'client A confirms');
select tests.act_as('client_a2');
select is((select response from public.appointment_responses where appointment_id = tests.fixture('appointment_page_a')), 'confirmed',
  'its second user sees the answer');
select is((select responded_by from public.appointment_responses where appointment_id = tests.fixture('appointment_page_a')),
  tests.get_user_id('client_a'), 'and who gave it');
select is((public.respond_to_appointment(tests.fixture('appointment_client_a'), 'reschedule_requested', 'Lieber nachmittags')).response,
  'reschedule_requested', 'the second user asks for another time');
select is((select count(*)::int from public.tickets where category = 'appointments' and client_id = tests.fixture('client_a_org')), 1,
  'which opens a ticket for client A');
select matches((select body from public.ticket_replies as r join public.tickets as t on t.id = r.ticket_id
                 where t.category = 'appointments' limit 1), 'Termin A.*Lieber nachmittags', 'naming the appointment and the wish');
select public.respond_to_appointment(tests.fixture('appointment_client_a'), 'reschedule_requested', 'Lieber nachmittags');
select is((select count(*)::int from public.tickets where category = 'appointments'), 1, 'a retry opens no second ticket');

select tests.act_as('client_b');
select throws_ok(format($$select public.respond_to_appointment(%L, 'declined')$$, tests.fixture('appointment_page_a')), 'P0001',
  'appointment_not_found', 'client B cannot answer client A''s appointment');
select is(tests.visible_as('client_b', 'select appointment_id as id from public.appointment_responses'), '{}'::text[],
  'nor see its answers');
select tests.act_as('guest');
select throws_ok(format($$select public.respond_to_appointment(%L, 'confirmed')$$, tests.fixture('appointment_page_a')), 'P0001',
  'appointment_not_found', 'the guest cannot answer');
select tests.act_as('staff');
select throws_ok(format($$select public.respond_to_appointment(%L, 'confirmed')$$, tests.fixture('appointment_page_a')), 'P0001',
  'appointment_not_found', 'staff do not answer for a client');
select tests.act_as('client_a');
select throws_ok(format($$select public.respond_to_appointment(%L, 'maybe')$$, tests.fixture('appointment_page_a')), 'P0001',
  'invalid_response', 'an unknown answer');

select * from finish();
rollback;
