-- Test: a code works once.
begin;
select plan(2);

select tests.create_portal_world();
select tests.remember('session', tests.create_session('client_a2'));
select tests.act_as('client_a2', tests.fixture('session'));
select public.request_email_code();
select is(public.verify_email_code(tests.last_mailed_code('client_a2')) ->> 'verified', 'true', 'the first use verifies');
select throws_ok(format('select public.verify_email_code(%L)', tests.last_mailed_code('client_a2')), 'P0001', 'email_code_already_used',
  'the second use of the same code is refused');

select * from finish();
rollback;
