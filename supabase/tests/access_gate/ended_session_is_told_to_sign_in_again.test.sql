-- Test: with the token of an ended session, RPCs and my_access_state() raise session_required
-- (sign in again), while a live session that has not passed the gate still gets mfa_required.
begin;
select plan(6);

select tests.create_portal_world();

select tests.act_as('client_a');
select lives_ok($$select public.my_access_state()$$, 'a live session reads its access state');
select lives_ok($$select public.open_ticket('Frage', 'Text', tests.fixture('client_a_org'))$$, 'and acts');

-- GoTrue removes the session row when the user signs out everywhere; the token stays valid.
select tests.clear_authentication();
delete from auth.sessions where user_id = tests.get_user_id('client_a');
select set_config('request.jwt.claims', tests.user_claims('client_a', 'aal1', gen_random_uuid())::text, true);
select set_config('role', 'authenticated', true);
select throws_ok($$select public.my_access_state()$$, 'P0001', 'session_required', 'the ended session is told to sign in again');
select throws_ok($$select public.open_ticket('Frage', 'Text', tests.fixture('client_a_org'))$$, 'P0001', 'session_required',
  'its RPCs say the same, not mfa_required');
select throws_ok($$select public.invite_to_matter(tests.fixture('matter_a1'), 'x@test.example')$$, 'P0001', 'session_required',
  'whatever the RPC');

select tests.act_as('past_grace');
select throws_ok($$select public.open_ticket('Hilfe', 'Bitte', tests.fixture('client_a_org'))$$, 'P0001', 'mfa_required',
  'a live session without the second factor is still asked for it');

select * from finish();
rollback;
