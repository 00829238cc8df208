-- Test: what the form also checks is refused with its own code (not a constraint's "check violation").
begin;
select plan(9);

select tests.create_portal_world();
select tests.act_as('staff');
select throws_ok($$select public.save_appointment(null, 'x', now(), now(), page_id => tests.fixture('page_a'))$$,
  'P0001', 'appointment_id_required', 'no id');
select throws_ok($$select public.save_appointment(gen_random_uuid(), '  ', now(), now(), page_id => tests.fixture('page_a'))$$,
  'P0001', 'title_required', 'an empty title');
select throws_ok($$select public.save_appointment(gen_random_uuid(), 'x', now(), null, page_id => tests.fixture('page_a'))$$,
  'P0001', 'appointment_time_required', 'no end');
select throws_ok($$select public.save_appointment(gen_random_uuid(), 'x', now(), now() - interval '1 minute', page_id => tests.fixture('page_a'))$$,
  'P0001', 'appointment_ends_before_start', 'an end before the start');
select throws_ok($$select public.save_appointment(gen_random_uuid(), 'x', now(), now())$$,
  'P0001', 'appointment_target_required', 'neither page nor client');
select throws_ok($$select public.save_appointment(gen_random_uuid(), 'x', now(), now(), page_id => tests.fixture('page_a'), client_id => tests.fixture('client_a_org'))$$,
  'P0001', 'appointment_target_required', 'both page and client');
select throws_ok($$select public.save_appointment(gen_random_uuid(), 'x', now(), now(), page_id => gen_random_uuid())$$,
  'P0001', 'page_not_found', 'an unknown page');
select throws_ok($$select public.save_appointment(gen_random_uuid(), 'x', now(), now(), page_id => tests.fixture('page_a'), time_zone => 'Mars/Olympus')$$,
  'P0001', 'invalid_time_zone', 'an unknown zone');
select throws_ok($$select public.save_appointment(tests.fixture('appointment_page_a'), 'x', now(), now(), page_id => tests.fixture('page_b'))$$,
  'P0001', 'appointment_id_conflict', 'an id of another page''s appointment');

select * from finish();
rollback;
