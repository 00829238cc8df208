-- Test: an appointment on a page cannot be filed under a matter — neither through save_appointment
-- nor by updating the column directly (the trigger guards both); a client's appointment takes a
-- matter of its own client, and a page appointment saved again keeps having none.
begin;
select plan(5);

select tests.create_portal_world();
select tests.act_as('staff');
select throws_ok($$select public.save_appointment(gen_random_uuid(), 'x', now(), now() + interval '1 hour', page_id => tests.fixture('page_a'),
                    matter_id => tests.fixture('matter_b1'))$$,
  'P0001', 'appointment_matter_mismatch', 'a page appointment with another client''s matter is refused');
select throws_ok($$select public.save_appointment(gen_random_uuid(), 'x', now(), now() + interval '1 hour', page_id => tests.fixture('page_a'),
                    matter_id => tests.fixture('matter_a1'))$$,
  'P0001', 'appointment_matter_mismatch', 'so is one with a matter of the page''s own client');
select throws_ok($$update public.appointments set matter_id = tests.fixture('matter_b1') where id = tests.fixture('appointment_page_a')$$,
  'P0001', 'appointment_matter_mismatch', 'a direct update of the column is refused too');
select lives_ok($$update public.appointments set matter_id = tests.fixture('matter_a1') where id = tests.fixture('appointment_client_a')$$,
  'a client''s appointment takes a matter of that client');
select is((public.save_appointment(tests.fixture('appointment_page_a'), 'Baubesprechung', now() + interval '1 day',
            now() + interval '1 day 1 hour', page_id => tests.fixture('page_a'))).matter_id,
  null, 'a page appointment saved again has no matter');

select * from finish();
rollback;
