-- Test: the e-mail factor (beside an app factor) can only be removed from a session that verified
-- a second factor; then other e-mail-verified sessions lose their assurance.
begin;
select plan(5);

select tests.create_portal_world();
insert into private.email_factors (user_id) values (tests.get_user_id('client_a2'));
insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret)
values (gen_random_uuid(), tests.get_user_id('client_a2'), 'Handy', 'totp', 'verified', now(), now(), 'JBSWY3DPEHPK3PXP');
select tests.remember('verified', tests.create_session('client_a2'));
select tests.remember('other_verified', tests.create_session('client_a2'));
insert into private.session_assurances (session_id, user_id) values
  (tests.fixture('verified'), tests.get_user_id('client_a2')), (tests.fixture('other_verified'), tests.get_user_id('client_a2'));

select tests.act_as('client_a2');
select throws_ok('select public.remove_email_factor()', 'P0001', 'mfa_required', 'an unverified session cannot remove the factor');
select tests.act_as('client_a2', tests.fixture('verified'));
select lives_ok('select public.remove_email_factor()', 'a verified session can');
select throws_ok('select public.remove_email_factor()', 'P0001', 'email_factor_not_enrolled', 'removing twice reports it');
select tests.clear_authentication();
select is((select count(*)::int from private.session_assurances where session_id = tests.fixture('other_verified')), 0,
  'other sessions verified by e-mail lose their assurance');
select ok(exists (select 1 from ops.audit_events where action = 'mfa.email_factor_removed'), 'the removal is audited');

select * from finish();
rollback;
