-- Test: my_access_state() carries the caller's display name and language from its own profile,
-- next to every second-factor field it had before.
begin;
select plan(3);

select tests.create_portal_world();

select is(tests.access_state_as('client_a2') -> 'display_name', '"Anja Alpha"'::jsonb, 'the caller''s display name');
select is(tests.access_state_as('client_a2') ->> 'locale', 'en', 'the caller''s language');
select is(tests.access_state_as('client_a') - array['user_id', 'grace_period_ends_at'],
  '{"aal": "aal1", "factors": {"totp": 0, "email": false}, "has_factor": false, "in_grace_period": true,
    "session_verified": false, "access_allowed": true, "step_up_required": false, "enrolment_required": false,
    "persona": "client", "display_name": "Anton Alpha", "locale": "de"}'::jsonb,
  'another caller gets its own name and language, with every earlier field still there');

select * from finish();
rollback;
