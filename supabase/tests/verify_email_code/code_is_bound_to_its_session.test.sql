-- Test: a code requested in one session does nothing in another session of the same user.
begin;
select plan(3);

select tests.create_portal_world();
select tests.remember('requesting', tests.create_session('past_grace'));
select tests.remember('other', tests.create_session('past_grace'));
select tests.act_as('past_grace', tests.fixture('requesting'));
select public.request_email_code();

select tests.act_as('past_grace', tests.fixture('other'));
select throws_ok(format('select public.verify_email_code(%L)', tests.last_mailed_code('past_grace')), 'P0001', 'email_code_not_found',
  'the code is unknown to another session');
select is(private.access_allowed(), false, 'the other session stays locked');
select tests.act_as('past_grace', tests.fixture('requesting'));
select is(public.verify_email_code(tests.last_mailed_code('past_grace')) ->> 'verified', 'true', 'the requesting session can still use it');

select * from finish();
rollback;
