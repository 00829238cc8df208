-- Test: staff make an appointment for a client without a page (optionally of one of its matters)
-- and change it; its client's users see exactly it on /termine and in their calendar feed, the
-- other client's do not; a client user and a guest may not create one; a matter of another
-- client and a missing matter are refused by name.
begin;
select plan(12);

select tests.create_portal_world();
create temporary table feed_token (token text) on commit drop;
grant all on feed_token to authenticated, service_role;
select tests.remember('appointment_new', gen_random_uuid());
select tests.act_as('staff');
select is((public.save_appointment(tests.fixture('appointment_new'), 'Besprechung Bauvertrag', now() + interval '2 days',
            now() + interval '2 days 1 hour', client_id => tests.fixture('client_a_org'), time_zone => 'America/New_York',
            video_call => true, description => 'Unterlagen mitbringen', matter_id => tests.fixture('matter_a1'))).matter_id,
  tests.fixture('matter_a1'), 'staff make an appointment for client A of its matter A1');
select is((select (a.client_name, a.description, a.appointment_matter_id, a.time_zone)::text from public.upcoming_appointments(50) as a
            where a.id = tests.fixture('appointment_new')),
  (select ('Alpha Bau GmbH'::text, 'Unterlagen mitbringen'::text, tests.fixture('matter_a1'), 'America/New_York'::text)::text),
  'staff see it on /termine with its client, notes, matter and zone');
select is((public.save_appointment(tests.fixture('appointment_new'), 'Besprechung Bauvertrag', now() + interval '3 days',
            now() + interval '3 days 1 hour', client_id => tests.fixture('client_a_org'), matter_id => null)).matter_id,
  null, 'a save without the matter takes it off');
select throws_ok($$select public.save_appointment(gen_random_uuid(), 'x', now(), now(), client_id => tests.fixture('client_a_org'),
                    matter_id => tests.fixture('matter_b1'))$$,
  'P0001', 'appointment_matter_mismatch', 'a matter of another client is refused');
select throws_ok($$select public.save_appointment(gen_random_uuid(), 'x', now(), now(), client_id => tests.fixture('client_a_org'),
                    matter_id => gen_random_uuid())$$,
  'P0001', 'matter_not_found', 'a missing matter is refused');

select tests.act_as('client_a');
select is(array(select a.title from public.upcoming_appointments(50) as a where a.id = tests.fixture('appointment_new')),
  array['Besprechung Bauvertrag'], 'client A sees it on /termine');
select is(array(select f.name from public.upcoming_appointments(50) as a join tests.fixtures as f on f.id = a.id order by 1),
  array['appointment_client_a', 'appointment_new', 'appointment_page_a'], 'exactly its own appointments');
select throws_ok($$select public.save_appointment(gen_random_uuid(), 'x', now(), now(), client_id => tests.fixture('client_a_org'))$$,
  'P0001', 'forbidden', 'a client user may not make one for its own client');
select lives_ok($$select public.respond_to_appointment(tests.fixture('appointment_new'), 'confirmed')$$, 'and answers it');
insert into feed_token select public.create_calendar_feed() ->> 'token';

select tests.act_as('client_b');
select is(array(select a.id from public.upcoming_appointments(50) as a where a.id = tests.fixture('appointment_new')), '{}'::uuid[],
  'client B does not see it');
select tests.act_as('guest');
select throws_ok($$select public.save_appointment(gen_random_uuid(), 'x', now(), now(), client_id => tests.fixture('client_a_org'))$$,
  'P0001', 'forbidden', 'a guest may not');

select tests.authenticate_as_service_role();
select ok(exists (select 1 from jsonb_array_elements(public.calendar_feed((select token from feed_token)) -> 'events') as e
                   where (e ->> 'id')::uuid = tests.fixture('appointment_new') and (e ->> 'confirmed')::boolean),
  'it is in client A''s calendar feed, confirmed');

select * from finish();
rollback;
