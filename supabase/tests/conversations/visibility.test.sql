-- Test: participants see their conversations; staff see that all exist; others see nothing.
begin;
select plan(7);

select tests.create_portal_world();
select is(tests.visible_as('staff', 'select id from public.conversations'), array['conv_a', 'conv_a1', 'conv_b'],
  'staff see every conversation (to join it)');
select is(tests.visible_as('client_a', 'select id from public.conversations'), array['conv_a', 'conv_a1'], 'client A sees its two threads');
select is(tests.visible_as('client_a2', 'select id from public.conversations'), '{}'::text[],
  'client A''s second user takes part in none, so sees none');
select is(tests.visible_as('guest', 'select id from public.conversations'), array['conv_a1'], 'the guest sees the thread of A1');
select is(tests.visible_as('client_b', 'select id from public.conversations'), array['conv_b'], 'client B sees its chat');
select is(tests.visible_as('totp_aal1', 'select id from public.conversations'), '{}'::text[], 'the aal1-with-factor session sees none');
select is(tests.visible_as('guest', 'select user_id as id from public.conversation_participants'), array['client_a', 'guest', 'staff'],
  'participants see who else takes part');

select * from finish();
rollback;
