-- Test: at most 5 codes per user in 15 minutes, whatever the session.
begin;
select plan(3);

select tests.create_portal_world();
select tests.act_as('client_a2');
select lives_ok('select public.request_email_code(); select public.request_email_code(); select public.request_email_code();
                 select public.request_email_code(); select public.request_email_code();', 'five codes in a row are fine');
select tests.act_as('client_a2');
select throws_ok('select public.request_email_code()', 'P0001', 'email_code_rate_limited',
  'the sixth within 15 minutes is refused, also from a new session');
select tests.clear_authentication();
update private.email_codes set created_at = now() - interval '16 minutes' where user_id = tests.get_user_id('client_a2');
select tests.act_as('client_a2');
select lives_ok('select public.request_email_code()', 'after 15 minutes codes can be requested again');

select * from finish();
rollback;
