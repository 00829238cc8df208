-- Test: members of a matter see who else is in it; nobody sees the members of a matter it has no
-- access to.
begin;
select plan(5);

select tests.create_portal_world();
select is(tests.visible_as('guest', 'select user_id as id from public.matter_members'), array['client_a', 'guest', 'staff'],
  'the guest sees the members of A1');
select is(tests.visible_as('client_a2', 'select user_id as id from public.matter_members'), array['client_a', 'guest', 'staff'],
  'client A''s users see the members of their matters');
select is(tests.visible_as('client_b', 'select user_id as id from public.matter_members'), '{}'::text[],
  'client B sees nobody of client A''s matters');
select is(tests.visible_as('staff', 'select user_id as id from public.matter_members'), array['client_a', 'guest', 'staff'],
  'staff see all memberships');
select is(tests.visible_as('totp_aal1', 'select user_id as id from public.matter_members'), '{}'::text[],
  'the aal1-with-factor session sees none');

select * from finish();
rollback;
