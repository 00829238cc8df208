-- Test: my_access_state() carries the caller's display name and language from its own profile,
-- next to every second-factor field it had before.
begin;
select plan(5);

select tests.create_portal_world();

select tests.act_as('client_a2');
select is(public.my_access_state() ->> 'display_name', 'Anja Alpha', 'the caller''s display name');
select is(public.my_access_state() ->> 'locale', 'en', 'the caller''s language');

select tests.act_as('client_a');
select is(public.my_access_state() ->> 'display_name', 'Anton Alpha', 'another caller gets its own name, not the first one''s');
select is(public.my_access_state() ->> 'locale', 'de', 'and its own language');

select set_eq(
  $$select jsonb_object_keys(public.my_access_state())$$,
  array['user_id', 'aal', 'factors', 'has_factor', 'grace_period_ends_at', 'in_grace_period', 'session_verified',
        'access_allowed', 'step_up_required', 'enrolment_required', 'persona', 'display_name', 'locale'],
  'every earlier field is still there, with persona, display_name and locale added');

select * from finish();
rollback;
