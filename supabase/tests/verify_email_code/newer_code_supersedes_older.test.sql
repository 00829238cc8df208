-- Test: requesting a new code in the same session invalidates the previous one.
begin;
select plan(2);

select tests.create_portal_world();
select tests.remember('session', tests.create_session('client_a2'));
select tests.act_as('client_a2', tests.fixture('session'));
select public.request_email_code();
select tests.clear_authentication();
select tests.remember('first_code_row', (select id from private.email_codes where session_id = tests.fixture('session')));
select tests.act_as('client_a2', tests.fixture('session'));
select public.request_email_code();
select tests.clear_authentication();

select is((select consumed_reason from private.email_codes where id = tests.fixture('first_code_row')), 'superseded',
  'the first code is marked superseded');
select tests.act_as('client_a2', tests.fixture('session'));
select is(public.verify_email_code(tests.last_mailed_code('client_a2')) ->> 'verified', 'true', 'the newest code works');

select * from finish();
rollback;
