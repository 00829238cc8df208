-- Test: office hours (Europe/Berlin) decide whether a chat is answered; admins change them, with
-- an audit entry; other staff and bad hours are refused.
begin;
select plan(8);

select tests.create_portal_world();
select ok(private.chat_open_at('2026-12-07 10:00 Europe/Berlin'), 'Monday 10:00 in Berlin is within the default hours');
select ok(not private.chat_open_at('2026-12-07 18:00 Europe/Berlin'), 'Monday 18:00 is not');
select ok(not private.chat_open_at('2026-12-06 10:00 Europe/Berlin'), 'Sunday is not');
select tests.act_as('lawyer');
select is((public.set_chat_office_hours('[{"weekday": 7, "opens": "10:00", "closes": "12:00"}]')) -> 'hours',
  '[{"weekday": 7, "opens": "10:00", "closes": "12:00"}]'::jsonb, 'an admin sets the hours');
select throws_ok($$select public.set_chat_office_hours('[{"weekday": 8, "opens": "10:00", "closes": "12:00"}]')$$, 'P0001', 'invalid_office_hours',
  'a weekday outside 1–7 is refused');
select throws_ok($$select public.set_chat_office_hours('[{"weekday": 1, "opens": "12:00", "closes": "10:00"}]')$$, 'P0001', 'invalid_office_hours',
  'closing before opening is refused');
select tests.act_as('staff');
select throws_ok($$select public.set_chat_office_hours('[]')$$, 'P0001', 'forbidden', 'other staff cannot change them');
select tests.clear_authentication();
-- Counted for this run's admin only: journeys on the same database change the hours too.
select is((select count(*)::int from ops.audit_events where action = 'chat.office_hours_changed' and actor_id = tests.fixture('lawyer')), 1,
  'the change is audited');

select * from finish();
rollback;
