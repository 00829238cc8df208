-- Test: only staff with a verified session reset factors; staff factors only by an admin; nobody
-- resets their own here; clients and unknown users are refused. A refusal changes nothing.
begin;
select plan(9);

select tests.create_portal_world();

select tests.act_as('client_a');
select throws_ok(format('select public.reset_user_factors(%L)', tests.get_user_id('client_a2')), 'P0001', 'forbidden',
  'a client owner cannot reset its own users'' factors');
select tests.act_as('guest');
select throws_ok(format('select public.reset_user_factors(%L)', tests.get_user_id('client_a')), 'P0001', 'forbidden', 'nor can a guest');
select tests.authenticate_as('staff', 'aal1');
select throws_ok(format('select public.reset_user_factors(%L)', tests.get_user_id('client_a')), 'P0001', 'mfa_required',
  'staff must have passed their own second factor');
select tests.act_as('staff');
select throws_ok(format('select public.reset_user_factors(%L)', tests.get_user_id('lawyer')), 'P0001', 'forbidden',
  'an employee cannot reset the admin''s factors');
select throws_ok(format('select public.reset_user_factors(%L)', tests.get_user_id('staff')), 'P0001', 'forbidden',
  'nobody resets their own factors here');
select throws_ok(format('select public.reset_user_factors(%L)', gen_random_uuid()), 'P0001', 'user_not_found', 'unknown users are reported');
select tests.act_as('lawyer');
select lives_ok(format('select public.reset_user_factors(%L)', tests.get_user_id('staff')), 'the admin resets an employee''s factors');
select tests.clear_authentication();
select is((select count(distinct user_id)::int from auth.sessions where user_id in (tests.get_user_id('client_a'), tests.get_user_id('lawyer'))), 2,
  'refused resets ended no session');
select tests.authenticate_as_anon();
select throws_ok(format('select public.reset_user_factors(%L)', gen_random_uuid()), '42501', null, 'anon cannot call it at all');

select * from finish();
rollback;
