-- Test: staff deactivate clients and guests, only admins deactivate staff, nobody themselves, and
-- the last active admin stays; every refusal leaves the account as it was.
begin;
select plan(5);

select tests.create_portal_world();
select is(tests.outcomes(format('select public.deactivate_account(%L)', tests.get_user_id('lawyer')),
                         array['staff', 'client_a', 'guest', 'totp_aal1', 'anon']),
  array['staff: P0001 forbidden', 'client_a: P0001 forbidden', 'guest: P0001 forbidden', 'totp_aal1: P0001 mfa_required',
        'anon: 42501 permission denied for function deactivate_account'], 'staff may not act on staff, clients on nobody');
select is(tests.outcome_as('lawyer', format('select public.deactivate_account(%L)', tests.get_user_id('lawyer'))),
  'P0001 forbidden', 'nobody deactivates themselves');
insert into public.staff (user_id, is_admin) values (tests.get_user_id('client_b'), true);
select is(tests.outcome_as('lawyer', format('select public.deactivate_account(%L)', tests.get_user_id('client_b'))), 'ok',
  'an admin deactivates another admin while one active admin remains');
select is(tests.outcome_as('client_b', format('select public.deactivate_account(%L)', tests.get_user_id('lawyer'))),
  'P0001 mfa_required', 'the deactivated admin can do nothing any more (its session is gone)');
select is(tests.outcome_as('staff', format('select public.deactivate_account(%L)', tests.get_user_id('guest'))), 'ok',
  'staff deactivate a guest');

select * from finish();
rollback;
