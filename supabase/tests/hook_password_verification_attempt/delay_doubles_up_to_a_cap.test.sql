-- Test: the wait after the last failure doubles from 1 s up to 60 s, which keeps an account
-- under 100 evaluated failures an hour; and 100 failures within the hour reject outright.
begin;
select plan(6);

select is(private.auth_retry_delay(2), interval '0', 'two failures cost nothing (typos)');
select is(private.auth_retry_delay(3), interval '1 second', 'the third costs 1 s');
select is(private.auth_retry_delay(6), interval '8 seconds', 'then it doubles');
select is(private.auth_retry_delay(40), interval '60 seconds', 'up to 60 s');
select ok(3 + extract(epoch from interval '1 hour') / extract(epoch from private.auth_retry_delay(40)) < 100, 'so at most ~63 failures an hour can be evaluated');

select tests.create_user('hammered');
insert into ops.auth_attempts (user_id, kind, outcome, attempted_at)
select tests.get_user_id('hammered'), 'password', 'failed', now() - interval '30 minutes' from generate_series(1, 100);
select is(public.hook_password_verification_attempt(jsonb_build_object('user_id', tests.get_user_id('hammered'), 'valid', true)) ->> 'decision',
  'reject', 'after 100 failures in the last hour every attempt is rejected');

select * from finish();
rollback;
