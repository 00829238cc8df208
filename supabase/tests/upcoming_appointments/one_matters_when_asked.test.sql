-- Test: the coming appointments are the caller's (RLS), soonest first; with a matter only that
-- matter's, and a matter's appointment stays hidden from whoever may not see the appointment.
begin;
select plan(4);

select tests.create_portal_world();
update public.appointments set matter_id = tests.fixture('matter_a1') where id = tests.fixture('appointment_client_a');

select tests.act_as('client_a');
select is(array(select title from public.upcoming_appointments(10)), array['Baubesprechung', 'Termin A'],
  'client A: its page''s and its own, soonest first');
select is(array(select title from public.upcoming_appointments(10, tests.fixture('matter_a1'))), array['Termin A'],
  'with matter A1 only that matter''s');
select tests.act_as('client_b');
select is(array(select title from public.upcoming_appointments(10, tests.fixture('matter_a1'))), '{}'::text[],
  'client B gets nothing of matter A1');
select tests.act_as('guest');
select is(array(select title from public.upcoming_appointments(10, tests.fixture('matter_a1'))), '{}'::text[],
  'nor does the guest of matter A1: the appointment is the client''s');

select * from finish();
rollback;
