-- Test: staff writing an appointment through REST (role authenticated) may name any known time
-- zone; an unknown one is refused with invalid_time_zone, and Europe/Berlin is the default.
begin;
select plan(3);

select tests.create_portal_world();
select tests.act_as('staff');
insert into public.appointments (client_id, title, starts_at, ends_at)
values (tests.fixture('client_a_org'), 'Berlin', now() + interval '1 day', now() + interval '1 day 1 hour');
select is((select time_zone from public.appointments where title = 'Berlin'), 'Europe/Berlin', 'Europe/Berlin unless staff choose');
select lives_ok(format($$insert into public.appointments (client_id, title, starts_at, ends_at, time_zone)
                         values (%L, 'Lissabon', now() + interval '1 day', now() + interval '1 day 1 hour', 'Europe/Lisbon')$$,
                       tests.fixture('client_a_org')), 'another known zone');
select throws_ok(format($$insert into public.appointments (client_id, title, starts_at, ends_at, time_zone)
                          values (%L, 'Nirgendwo', now() + interval '1 day', now() + interval '1 day 1 hour', 'Mars/Olympus')$$,
                        tests.fixture('client_a_org')), 'P0001', 'invalid_time_zone', 'an unknown zone is refused');

select * from finish();
rollback;
