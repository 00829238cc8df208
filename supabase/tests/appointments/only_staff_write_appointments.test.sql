-- Test: only staff plan appointments, which end after they start and hang on one thing.
begin;
select plan(5);

select tests.create_portal_world();
select tests.act_as('client_a');
select throws_ok($$insert into public.appointments (client_id, title, starts_at, ends_at) values (tests.fixture('client_a_org'), 'x', now(), now())$$,
  '42501', null, 'a client cannot create appointments');
select results_eq($$with changed as (update public.appointments set location = 'bei mir' where id = tests.fixture('appointment_client_a') returning 1)
                   select count(*)::int from changed$$, array[0], 'a client cannot move its appointment');
select tests.act_as('staff');
select throws_ok($$insert into public.appointments (client_id, title, starts_at, ends_at) values (tests.fixture('client_a_org'), 'x', now(), now() - interval '1 hour')$$,
  '23514', null, 'an appointment cannot end before it starts');
select throws_ok($$insert into public.appointments (client_id, page_id, title, starts_at, ends_at) values (tests.fixture('client_a_org'), tests.fixture('page_a'), 'x', now(), now())$$,
  '23514', null, 'an appointment hangs on a page or a client, not both');
select lives_ok($$update public.appointments set location = 'Saal 2' where id = tests.fixture('appointment_client_a')$$, 'staff move appointments');

select * from finish();
rollback;
