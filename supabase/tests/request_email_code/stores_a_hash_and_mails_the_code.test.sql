-- Test: requesting a code stores only its salted HMAC, bound to the session, valid 10 minutes,
-- and queues the plain code for the mail function in the user's language.
begin;
select plan(9);

select tests.create_portal_world();
select tests.remember('session', tests.create_session('client_a2'));
select tests.act_as('client_a2', tests.fixture('session'));
select is(public.request_email_code() ->> 'purpose', 'enrol', 'a user without factor gets an enrolment code');
select tests.clear_authentication();

select is((select count(*)::int from private.email_codes where user_id = tests.get_user_id('client_a2')), 1, 'one code is stored');
select is((select session_id from private.email_codes where user_id = tests.get_user_id('client_a2')), tests.fixture('session'),
  'the code is bound to the requesting session');
select ok((select expires_at between now() + interval '9 minutes 59 seconds' and now() + interval '10 minutes'
             from private.email_codes where user_id = tests.get_user_id('client_a2')), 'the code expires after 10 minutes');
select matches(tests.last_mailed_code('client_a2'), '^[0-9]{6}$', 'the outbox carries a 6-digit code');
select is((select code_hash from private.email_codes where user_id = tests.get_user_id('client_a2')),
          (select extensions.hmac(convert_to(tests.last_mailed_code('client_a2'), 'UTF8'), salt, 'sha256')
             from private.email_codes where user_id = tests.get_user_id('client_a2')),
          'the database keeps only HMAC-SHA-256 of the code with its salt');
select is((select template || '/' || locale || '/' || recipient from ops.mail_outbox
            where user_id = tests.get_user_id('client_a2')),
          'mfa_email_code/en/client.a2@test.example', 'the mail uses the code template, the profile language and the account e-mail');
select is((select count(*)::int from ops.audit_events where action = 'mfa.email_code_requested'
             and entity_id = tests.get_user_id('client_a2')::text), 1, 'the request is audited');

select tests.act_as('client_a2', tests.fixture('session'));
select throws_ok('select * from private.email_codes', '42501', null, 'users cannot read the stored codes');

select * from finish();
rollback;
