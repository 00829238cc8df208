-- Test: my_sessions() refuses anon, a token whose session has ended, and a session that has not
-- passed the second factor, with the codes every RPC uses; an allowed caller gets its list.
begin;
select plan(6);

select tests.create_portal_world();

select tests.authenticate_as_anon();
select throws_ok($$select * from public.my_sessions()$$, '42501', null, 'anon may not call it');

select tests.clear_authentication();
select set_config('request.jwt.claims', '{"role":"authenticated","aal":"aal1"}', true);
select set_config('role', 'authenticated', true);
select throws_ok($$select * from public.my_sessions()$$, 'P0001', 'not_authenticated', 'a token without a user is not_authenticated');

-- Signed out everywhere: the session row is gone, the token still verifies.
select tests.clear_authentication();
select set_config('request.jwt.claims', tests.user_claims('client_a', 'aal1', gen_random_uuid())::text, true);
select set_config('role', 'authenticated', true);
select throws_ok($$select * from public.my_sessions()$$, 'P0001', 'session_required', 'an ended session must sign in again');

select tests.act_as('totp_aal1');
select throws_ok($$select * from public.my_sessions()$$, 'P0001', 'mfa_required', 'a user with a factor in an aal1 session must step up');
select tests.act_as('past_grace');
select throws_ok($$select * from public.my_sessions()$$, 'P0001', 'mfa_required', 'a user past its grace period must enrol first');

select tests.act_as('staff');
select is((select count(*)::int from public.my_sessions() where current), 1, 'a verified session gets its list');

select * from finish();
rollback;
