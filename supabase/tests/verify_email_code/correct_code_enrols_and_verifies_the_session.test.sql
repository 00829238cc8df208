-- Test: the right code enrols the e-mail factor and verifies this session, which from then on
-- passes the gate (here for a user past its grace period).
begin;
select plan(7);

select tests.create_portal_world();
select tests.remember('session', tests.create_session('past_grace'));
select tests.act_as('past_grace', tests.fixture('session'));
select is(private.access_allowed(), false, 'before: the past-grace session is locked out');
select public.request_email_code();
select is(public.verify_email_code(tests.last_mailed_code('past_grace')), '{"verified": true, "enrolled": true}'::jsonb,
  'the mailed code verifies and enrols');
select is(private.access_allowed(), true, 'after: this session passes the gate');
select is((select count(*)::int from public.matters), 2, 'and sees the client''s matters');
select is((public.my_access_state() -> 'factors' ->> 'email')::boolean, true, 'the state lists the e-mail factor');
select tests.clear_authentication();
select ok(exists (select 1 from ops.audit_events where action = 'mfa.email_factor_enrolled'
                     and entity_id = tests.get_user_id('past_grace')::text), 'the enrolment is audited');
select ok(exists (select 1 from ops.audit_events where action = 'mfa.session_verified'
                     and entity_id = tests.fixture('session')::text), 'the session verification is audited');

select * from finish();
rollback;
