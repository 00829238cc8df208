-- Test: a code older than 10 minutes is refused even when correct.
begin;
select plan(2);

select tests.create_portal_world();
select tests.remember('session', tests.create_session('past_grace'));
select tests.act_as('past_grace', tests.fixture('session'));
select public.request_email_code();
select tests.clear_authentication();
update private.email_codes set expires_at = now() - interval '1 second' where session_id = tests.fixture('session');

select tests.act_as('past_grace', tests.fixture('session'));
select throws_ok(format('select public.verify_email_code(%L)', tests.last_mailed_code('past_grace')), 'P0001', 'email_code_expired',
  'an expired code is refused');
select is(private.access_allowed(), false, 'the session stays locked');

select * from finish();
rollback;
