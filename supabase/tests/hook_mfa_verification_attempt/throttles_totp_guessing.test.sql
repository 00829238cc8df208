-- Test: TOTP guessing is throttled per account like passwords, independently of them.
begin;
select plan(3);

select tests.create_user('target');
select public.hook_mfa_verification_attempt(jsonb_build_object('user_id', tests.get_user_id('target'), 'factor_id', gen_random_uuid(),
  'factor_type', 'totp', 'valid', false)) from generate_series(1, 3);
select is(public.hook_mfa_verification_attempt(jsonb_build_object('user_id', tests.get_user_id('target'), 'valid', false)),
  '{"decision": "reject", "message": "mfa_throttled"}'::jsonb, 'after three wrong codes the next guess is rejected');
select is(public.hook_password_verification_attempt(jsonb_build_object('user_id', tests.get_user_id('target'), 'valid', true)) ->> 'decision',
  'continue', 'password sign-in is counted separately');
select tests.act_as('target');
select throws_ok($$select public.hook_mfa_verification_attempt('{}')$$, '42501', null, 'users cannot call the hook to lock others out');

select * from finish();
rollback;
