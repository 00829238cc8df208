-- Test: a user who enrolled TOTP but signed in with the password only (aal1) sees nothing and is
-- told to step up, although its client membership would allow it.
begin;
select plan(8);

select tests.create_portal_world();

select is(tests.visible_as('totp_aal1', 'select id from public.clients'), '{}'::text[], 'aal1-with-factor sees no client');
select is(tests.visible_as('totp_aal1', 'select id from public.matters'), '{}'::text[], 'aal1-with-factor sees no matter');
select is(tests.visible_as('totp_aal1', 'select id from public.documents'), '{}'::text[], 'aal1-with-factor sees no document');
select is(tests.visible_as('totp_aal1', 'select id from public.conversations'), '{}'::text[], 'aal1-with-factor sees no conversation');
select is(tests.visible_as('totp_aal1', 'select id from public.tickets'), '{}'::text[], 'aal1-with-factor sees no ticket');

select tests.act_as('totp_aal1');
select is(public.my_access_state() -> 'factors' ->> 'totp', '1', 'the state lists the TOTP factor');
select is((public.my_access_state() ->> 'step_up_required')::boolean, true, 'the state asks for step-up');
select throws_ok($$select public.request_email_code()$$, 'P0001', 'mfa_required',
  'an aal1 session cannot add the e-mail factor to skip TOTP');

select * from finish();
rollback;
