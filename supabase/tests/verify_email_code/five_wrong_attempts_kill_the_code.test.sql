-- Test: wrong codes are counted (the answer is not an exception, so the count survives); after
-- the fifth the code is dead, even for the right digits.
begin;
select plan(6);

select tests.create_portal_world();
select tests.remember('session', tests.create_session('past_grace'));
select tests.act_as('past_grace', tests.fixture('session'));
select public.request_email_code();

select is(public.verify_email_code(case tests.last_mailed_code('past_grace') when '000000' then '111111' else '000000' end),
          '{"reason": "email_code_mismatch", "verified": false, "attempts_left": 4}'::jsonb, 'a wrong code reports 4 attempts left');
select is(public.verify_email_code(case tests.last_mailed_code('past_grace') when '000000' then '111111' else '000000' end) ->> 'attempts_left',
          '3', 'the next wrong code 3');
select public.verify_email_code(case tests.last_mailed_code('past_grace') when '000000' then '111111' else '000000' end);
select public.verify_email_code(case tests.last_mailed_code('past_grace') when '000000' then '111111' else '000000' end);
select is(public.verify_email_code(case tests.last_mailed_code('past_grace') when '000000' then '111111' else '000000' end) ->> 'attempts_left',
          '0', 'the fifth wrong code uses the last attempt');
select throws_ok(format('select public.verify_email_code(%L)', tests.last_mailed_code('past_grace')), 'P0001',
  'email_code_attempts_exceeded', 'afterwards even the right code is refused');
select is(private.access_allowed(), false, 'the session stays locked');
select throws_ok('select public.verify_email_code(''12345'')', 'P0001', 'email_code_invalid_format', 'malformed input is refused outright');

select * from finish();
rollback;
