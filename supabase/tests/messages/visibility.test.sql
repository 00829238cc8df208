-- Test: only participants with access read messages: no cross-client reads, no reads by a
-- colleague who does not take part.
begin;
select plan(6);

select tests.create_portal_world();
select is(tests.visible_as('client_a', 'select id from public.messages'), array['msg_a', 'msg_a1'], 'client A reads its two threads');
select is(tests.visible_as('guest', 'select id from public.messages'), array['msg_a1'], 'the guest reads only the A1 thread');
select is(tests.visible_as('client_b', 'select id from public.messages'), array['msg_b'], 'client B reads only its chat');
select is(tests.visible_as('client_a2', 'select id from public.messages'), '{}'::text[], 'a colleague who does not take part reads nothing');
select is(tests.visible_as('staff', 'select id from public.messages'), array['msg_a1', 'msg_b'], 'staff read the conversations they are in');
select is(tests.visible_as('past_grace', 'select id from public.messages'), '{}'::text[], 'the past-grace user reads nothing');

select * from finish();
rollback;
