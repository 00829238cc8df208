-- Test: failures slow an account down progressively (no hard lockout); attempts inside the delay
-- are rejected even with the right password and do not extend it; success resets.
begin;
select plan(9);

select tests.create_user('target');
create temporary table attempts (n serial, result jsonb);
create function pg_temp.attempt(valid boolean) returns jsonb language sql as $$
  select public.hook_password_verification_attempt(jsonb_build_object(
    'user_id', tests.get_user_id('target'), 'valid', valid, 'metadata', jsonb_build_object('ip_address', '198.51.100.9')))
$$;

select is(pg_temp.attempt(false) ->> 'decision', 'continue', 'a first wrong password is simply wrong');
select is(pg_temp.attempt(false) ->> 'decision', 'continue', 'so is the second');
select is(pg_temp.attempt(false) ->> 'decision', 'continue', 'the third is evaluated and starts the delay');
select is(pg_temp.attempt(true), '{"decision": "reject", "message": "login_throttled", "should_logout_user": false}'::jsonb,
  'within the delay even the right password is rejected');
select is((select failures_in_row from ops.auth_throttle where user_id = tests.get_user_id('target')), 3,
  'rejected attempts do not extend the delay');
update ops.auth_throttle set last_failure_at = now() - interval '61 seconds' where user_id = tests.get_user_id('target');
select is(pg_temp.attempt(true) ->> 'decision', 'continue', 'after the delay the right password gets through');
select is((select failures_in_row from ops.auth_throttle where user_id = tests.get_user_id('target')), 0, 'success resets the counter');
select is((select array_agg(outcome order by id) from ops.auth_attempts where user_id = tests.get_user_id('target')),
  array['failed', 'failed', 'failed', 'throttled', 'succeeded'], 'every attempt is recorded');
select ok(exists (select 1 from ops.audit_events where action = 'auth.throttled' and entity_id = tests.get_user_id('target')::text),
  'the throttling is audited');

select * from finish();
rollback;
