-- Test: the e-mail factor cannot be deleted while it is the account's only second factor, by
-- any path (the trigger on private.email_factors, not only the RPC); with a verified app factor
-- beside it, after a staff reset, or with the account, it can.
begin;
select plan(5);

select tests.create_portal_world();
insert into private.email_factors (user_id)
select tests.get_user_id(name) from unnest(array['client_a', 'client_a2', 'totp_aal1', 'guest']) as name;

select throws_ok(format('delete from private.email_factors where user_id = %L', tests.get_user_id('client_a')),
  'P0001', 'last_second_factor', 'the only factor cannot be deleted');
select lives_ok(format('delete from private.email_factors where user_id = %L', tests.get_user_id('totp_aal1')),
  'beside a verified app factor it can');

select tests.act_as('staff');
select public.reset_user_factors(tests.get_user_id('client_a2'));
select tests.clear_authentication();
select is((select count(*)::int from private.email_factors where user_id = tests.get_user_id('client_a2')), 0,
  'a staff reset removes it');

select lives_ok(format('delete from auth.users where id = %L', tests.get_user_id('guest')), 'so does deleting the account');
select is((select count(*)::int from private.email_factors where user_id = tests.get_user_id('client_a')), 1,
  'the refused deletion removed nothing');

select * from finish();
rollback;
