-- Test: staff create an appointment on a page under the app's id, a retry changes nothing, a second
-- save moves it; the times stay the instants given (UTC) with the zone they take place in.
begin;
select plan(7);

select tests.create_portal_world();
select tests.act_as('staff');
select lives_ok(format($$select public.save_appointment('22222222-2222-4222-8222-222222222222', ' Baustellenbegehung ',
                        '2027-03-04 09:00+01', '2027-03-04 10:30+01', page_id => %L, location => 'Baustelle Nord')$$, tests.fixture('page_g')),
  'staff create an appointment on a page');
select results_eq($$select title, starts_at, time_zone, location, video_call from public.appointments
                     where id = '22222222-2222-4222-8222-222222222222'$$,
  $$values ('Baustellenbegehung'::text, '2027-03-04 08:00+00'::timestamptz, 'Europe/Berlin'::text, 'Baustelle Nord'::text, false)$$,
  'trimmed, stored as the instant given, in Berlin');
select lives_ok(format($$select public.save_appointment('22222222-2222-4222-8222-222222222222', 'Baustellenbegehung',
                        '2027-03-04 09:00+01', '2027-03-04 10:30+01', page_id => %L, location => 'Baustelle Nord')$$, tests.fixture('page_g')),
  'a retry of the same save works');
select is((select count(*)::int from public.appointments where id = '22222222-2222-4222-8222-222222222222'), 1, 'and leaves one appointment');
select lives_ok(format($$select public.save_appointment('22222222-2222-4222-8222-222222222222', 'Baustellenbegehung',
                        '2027-03-05 14:00+01', '2027-03-05 15:00+01', page_id => %L, video_call => true)$$, tests.fixture('page_g')),
  'a later save moves it to a video call');
select results_eq($$select starts_at, location, video_call from public.appointments where id = '22222222-2222-4222-8222-222222222222'$$,
  $$values ('2027-03-05 13:00+00'::timestamptz, null::text, true)$$, 'with the new time and no place');
select lives_ok(format($$select public.save_appointment(gen_random_uuid(), 'Jahresgespräch', now() + interval '1 day',
                        now() + interval '1 day 1 hour', client_id => %L, time_zone => 'Europe/Lisbon')$$, tests.fixture('client_a_org')),
  'an appointment for a client in another zone');

select * from finish();
rollback;
