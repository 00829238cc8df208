-- Test: a user with the e-mail factor must verify a code in every new session (purpose verify).
begin;
select plan(5);

select tests.create_portal_world();
insert into private.email_factors (user_id) values (tests.get_user_id('client_a2'));
select tests.remember('session', tests.create_session('client_a2'));

select tests.act_as('client_a2', tests.fixture('session'));
select is(private.access_allowed(), false, 'with a factor the grace period no longer helps: a new session is locked');
select is((public.my_access_state() ->> 'step_up_required')::boolean, true, 'the app is asked to step up');
select is(public.request_email_code() ->> 'purpose', 'verify', 'the code is a step-up code');
select is(public.verify_email_code(tests.last_mailed_code('client_a2')) ->> 'enrolled', 'false', 'verifying enrols nothing new');
select is(private.access_allowed(), true, 'the session passes the gate');

select * from finish();
rollback;
