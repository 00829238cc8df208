-- Test: GoTrue's factors (what DELETE /factors/{id} and the admin API delete) cannot be removed
-- while they are the account's only second factor; unverified ones, ones with another factor
-- beside them, ones enrolled before a staff reset and those of a deleted account can.
begin;
select plan(7);

select tests.create_portal_world();
select tests.remember('only_totp', (select id from auth.mfa_factors where user_id = tests.get_user_id('totp_aal1')));

select throws_ok(format('delete from auth.mfa_factors where id = %L', tests.fixture('only_totp')),
  'P0001', 'last_second_factor', 'the only verified factor cannot be deleted');
select is((select count(*)::int from auth.mfa_factors where id = tests.fixture('only_totp')), 1, 'it is still there');

insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret)
values (tests.remember('unverified', gen_random_uuid()), tests.get_user_id('client_a'), 'Abgebrochen', 'totp', 'unverified', now(), now(), 'JBSWY3DPEHPK3PXP');
select lives_ok(format('delete from auth.mfa_factors where id = %L', tests.fixture('unverified')),
  'an unverified factor (an abandoned enrolment) can be deleted');

insert into private.email_factors (user_id) values (tests.get_user_id('totp_aal1'));
select lives_ok(format('delete from auth.mfa_factors where id = %L', tests.fixture('only_totp')),
  'with the e-mail factor beside it, the app factor can go');
select throws_ok(format('delete from private.email_factors where user_id = %L', tests.get_user_id('totp_aal1')),
  'P0001', 'last_second_factor', 'and then the e-mail factor is the one that stays');

select tests.act_as('lawyer');
select public.reset_user_factors(tests.get_user_id('staff'));
select tests.clear_authentication();
select lives_ok(format('delete from auth.mfa_factors where user_id = %L', tests.get_user_id('staff')),
  'factors enrolled before a staff reset go, as the reset-factors function deletes them through the admin API');

select lives_ok(format('delete from auth.users where id = %L', tests.get_user_id('lawyer')),
  'deleting an account takes its only factor with it');

select * from finish();
rollback;
