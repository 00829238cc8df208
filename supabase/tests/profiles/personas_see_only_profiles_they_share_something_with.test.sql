-- Test: profiles are visible along shared clients, matters, conversations and tickets; staff are
-- visible to everyone; nobody sees an unrelated client's users.
begin;
select plan(7);

select tests.create_portal_world();

select is(tests.visible_as('lawyer', 'select id from public.profiles'),
  array['client_a', 'client_a2', 'client_b', 'guest', 'lawyer', 'past_grace', 'staff', 'totp_aal1'], 'staff see every profile');
select is(tests.visible_as('client_a', 'select id from public.profiles'),
  array['client_a', 'client_a2', 'guest', 'lawyer', 'past_grace', 'staff', 'totp_aal1'],
  'client A''s owner sees its co-members, the guest of its matter and staff, not client B');
select is(tests.visible_as('client_a2', 'select id from public.profiles'),
  array['client_a', 'client_a2', 'guest', 'lawyer', 'past_grace', 'staff', 'totp_aal1'],
  'client A''s second user sees the same people');
select is(tests.visible_as('client_b', 'select id from public.profiles'),
  array['client_b', 'lawyer', 'staff'], 'client B sees only itself and staff');
select is(tests.visible_as('guest', 'select id from public.profiles'),
  array['client_a', 'guest', 'lawyer', 'staff'],
  'the guest sees the people of its matter, conversation and ticket, not client A''s other users');
select is(tests.visible_as('totp_aal1', 'select id from public.profiles'), array['totp_aal1'],
  'an aal1 session of a user with a factor sees only its own profile');
select tests.authenticate_as_anon();
select throws_ok('select * from public.profiles', '42501', null, 'anon reads no profile');

select * from finish();
rollback;
