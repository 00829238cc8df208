-- Test: a calendar feed token gives exactly its owner's appointments (not its client's declines,
-- nobody else's); a new token ends the old one, revoking ends it; only the service role reads a
-- feed, and only the owner makes or ends its token.
begin;
select plan(9);

select tests.create_portal_world();
create temporary table feed_tokens (who text, token text) on commit drop;
grant all on feed_tokens to authenticated, service_role;
select tests.act_as('client_a');
insert into feed_tokens select 'first', public.create_calendar_feed() ->> 'token';
select is((public.my_calendar_feed() ->> 'active')::boolean, true, 'client A has a feed');

select tests.authenticate_as_service_role();
select is(array(select f.name from jsonb_array_elements(public.calendar_feed((select token from feed_tokens where who = 'first')) -> 'events') as e
                join tests.fixtures as f on f.id = (e ->> 'id')::uuid order by 1),
  array['appointment_client_a', 'appointment_page_a'], 'the feed holds exactly client A''s appointments');
select is(public.calendar_feed('not-a-token'), null, 'an unknown token gets nothing');

select tests.act_as('client_a');
select public.respond_to_appointment(tests.fixture('appointment_client_a'), 'declined');
insert into feed_tokens select 'second', public.create_calendar_feed() ->> 'token';
select tests.authenticate_as_service_role();
select is(public.calendar_feed((select token from feed_tokens where who = 'first')), null, 'a new token ends the old one');
select is(array(select f.name from jsonb_array_elements(public.calendar_feed((select token from feed_tokens where who = 'second')) -> 'events') as e
                join tests.fixtures as f on f.id = (e ->> 'id')::uuid order by 1),
  array['appointment_page_a'], 'a declined appointment leaves the feed');

select tests.act_as('client_a');
select is(public.revoke_calendar_feed(), true, 'client A revokes its feed');
select tests.authenticate_as_service_role();
select is(public.calendar_feed((select token from feed_tokens where who = 'second')), null, 'the revoked token gets nothing');

select tests.act_as('client_b');
select throws_ok($$select public.calendar_feed('x')$$, '42501', null, 'a signed-in user cannot read feeds');
select tests.act_as('guest');
select is((public.create_calendar_feed() ->> 'path') like '/functions/v1/calendar-feed/%.ics', true,
  'a guest may have a feed (of no appointments)');

select * from finish();
rollback;
