-- Test: the client list is for staff; clients, guests, sessions without the second factor and the
-- anonymous key are refused.
begin;
select plan(1);

select tests.create_portal_world();
select is(tests.outcomes('select * from public.list_clients()'), array[
  'lawyer: ok', 'staff: ok', 'client_a: P0001 forbidden', 'client_a2: P0001 forbidden', 'client_b: P0001 forbidden',
  'guest: P0001 forbidden', 'past_grace: P0001 mfa_required', 'totp_aal1: P0001 mfa_required',
  'anon: 42501 permission denied for function list_clients'], 'staff only');

select * from finish();
rollback;
