-- Test: declining with a reason opens one ticket for staff that names the appointment and the
-- reason (also when retried); a plain decline opens none; the coming appointments carry the
-- answer's note and time.
begin;
select plan(5);

select tests.create_portal_world();
select tests.act_as('client_a');
select public.respond_to_appointment(tests.fixture('appointment_page_a'), 'declined');
select is((select count(*)::int from public.tickets where category = 'appointments'), 0, 'a plain decline opens no ticket');
select public.respond_to_appointment(tests.fixture('appointment_client_a'), 'declined', 'Da bin ich verreist');
select public.respond_to_appointment(tests.fixture('appointment_client_a'), 'declined', 'Da bin ich verreist');
select is((select count(*)::int from public.tickets where category = 'appointments' and client_id = tests.fixture('client_a_org')), 1,
  'a decline with a reason opens one ticket for client A, also when retried');
select matches((select t.subject || ' ' || r.body from public.ticket_replies as r join public.tickets as t on t.id = r.ticket_id
                 where t.category = 'appointments'), '^Terminabsage: Termin A .*Termin A.*Da bin ich verreist', 'naming the appointment and the reason');
select is((select r -> 'note' from public.upcoming_appointments(10) as a, jsonb_array_elements(a.responses) as r
            where a.id = tests.fixture('appointment_client_a')), '"Da bin ich verreist"'::jsonb, 'the coming appointments carry the note');
select ok((select (r ->> 'responded_at')::timestamptz is not null from public.upcoming_appointments(10) as a, jsonb_array_elements(a.responses) as r
            where a.id = tests.fixture('appointment_client_a')), 'and when it was given');

select * from finish();
rollback;
