-- Test: client users see their client's members, never another client's; guests see none.
begin;
select plan(5);

select tests.create_portal_world();
select is(tests.visible_as('staff', 'select user_id as id from public.client_members'),
  array['client_a', 'client_a2', 'client_b', 'past_grace', 'totp_aal1'], 'staff see all memberships');
select is(tests.visible_as('client_a2', 'select user_id as id from public.client_members'),
  array['client_a', 'client_a2', 'past_grace', 'totp_aal1'], 'a client user sees its client''s members');
select is(tests.visible_as('client_b', 'select user_id as id from public.client_members'), array['client_b'],
  'client B sees only its own membership');
select is(tests.visible_as('guest', 'select user_id as id from public.client_members'), '{}'::text[], 'the guest sees no memberships');
select is(tests.visible_as('past_grace', 'select user_id as id from public.client_members'), '{}'::text[], 'the past-grace user sees none');

select * from finish();
rollback;
