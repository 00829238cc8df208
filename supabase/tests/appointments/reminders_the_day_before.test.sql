-- Test: the reminder job queues one content-free mail per person of the clients concerned for
-- appointments on the next Berlin day, not before 08:00, once, and none for a client that declined.
begin;
select plan(5);

select tests.create_portal_world();
insert into public.appointments (client_id, title, starts_at, ends_at, location)
values (tests.fixture('client_b_org'), 'Geheimer Termin', '2027-03-10 09:00+01', '2027-03-10 10:00+01', 'Geheimer Ort');
select is(private.queue_appointment_reminders('2027-03-09 06:30+01'), 0, 'nothing before 08:00 Berlin time');
select is(private.queue_appointment_reminders('2027-03-09 08:05+01'), 1, 'one mail for client B''s user the day before');
select is((select count(*)::int from ops.mail_outbox where template = 'appointment_reminder'
            and data::text !~ 'Geheim' and recipient = 'client.b@test.example'), 1, 'without title or place');
select is(private.queue_appointment_reminders('2027-03-09 09:05+01'), 0, 'and only once');

with added as (
  insert into public.appointments (client_id, title, starts_at, ends_at)
  values (tests.fixture('client_a_org'), 'Abgesagt', '2027-03-10 11:00+01', '2027-03-10 12:00+01') returning id)
select tests.remember('declined_appointment', id) from added;
select tests.act_as('client_a');
select public.respond_to_appointment(tests.fixture('declined_appointment'), 'declined');
select tests.clear_authentication();
select is(private.queue_appointment_reminders('2027-03-09 10:05+01'), 0, 'no reminder for an appointment the client declined');

select * from finish();
rollback;
