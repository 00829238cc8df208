-- Test: a staff reset removes the e-mail factor and open codes, ends every session of the user,
-- and ends its grace period: although created today, the user can now only enrol. The user is
-- told by mail, the reset is audited, and GoTrue's factor ids are handed back for the Auth API.
begin;
select plan(10);

select tests.create_portal_world();
insert into private.email_factors (user_id) values (tests.get_user_id('client_a2'));
select tests.remember('verified_session', tests.create_session('client_a2'));
insert into private.session_assurances (session_id, user_id) values (tests.fixture('verified_session'), tests.get_user_id('client_a2'));
select tests.create_session('client_a2');
select tests.act_as('client_a2', tests.fixture('verified_session'));
select public.request_email_code();

select tests.act_as('staff');
select is((public.reset_user_factors(tests.get_user_id('client_a2')) - 'user_id' - 'gotrue_factor_ids'),
  jsonb_build_object('email_factor_removed', true, 'sessions_ended', 2), 'staff reset the client user: e-mail factor and both sessions');
select is(jsonb_array_length(public.reset_user_factors(tests.get_user_id('totp_aal1')) -> 'gotrue_factor_ids'), 1,
  'GoTrue''s TOTP factor is handed back for the Auth admin API');
select tests.clear_authentication();

select is((select count(*)::int from private.email_factors where user_id = tests.get_user_id('client_a2')), 0, 'the e-mail factor is gone');
select is((select count(*)::int from private.email_codes where user_id = tests.get_user_id('client_a2')), 0, 'so are open codes');
select is((select count(*)::int from auth.sessions where user_id = tests.get_user_id('client_a2')), 0, 'every session has ended');

select tests.act_as('client_a2');
select is(public.my_access_state() - array['user_id', 'grace_period_ends_at', 'aal', 'persona', 'display_name', 'locale'],
  '{"factors": {"totp": 0, "email": false}, "has_factor": false, "in_grace_period": false, "session_verified": false,
    "access_allowed": false, "step_up_required": false, "enrolment_required": true}'::jsonb,
  'signing in again, the user must enrol first: the grace period does not restart');
select lives_ok('select public.request_email_code()', 'it can enrol the e-mail factor');
select is(tests.visible_as('client_a2', 'select id from public.clients'), '{}'::text[], 'but sees nothing of its client');
select tests.clear_authentication();

select is((select locale || '/' || (data ->> 'reset_by_name') from ops.mail_outbox
            where template = 'second_factor_reset' and user_id = tests.get_user_id('client_a2')),
  'en/Sam Staff', 'the user gets a notice in its language, naming who reset');
select ok(exists (select 1 from ops.audit_events
                   where action = 'mfa.factors_reset' and entity_id = tests.get_user_id('client_a2')::text
                     and actor_id = tests.get_user_id('staff') and details ->> 'sessions_ended' = '2'),
  'the reset is audited with the acting staff member');

select * from finish();
rollback;
