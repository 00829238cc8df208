-- Test: staff read no messages of a conversation they are not in, but may join it; clients cannot
-- join conversations on their own.
begin;
select plan(5);

select tests.create_portal_world();
select is(tests.visible_as('lawyer', 'select id from public.messages'), array['msg_a'], 'the lawyer reads only conversations it is in');
select tests.act_as('lawyer');
select lives_ok($$insert into public.conversation_participants (conversation_id, user_id) values (tests.fixture('conv_b'), auth.uid())$$,
  'the lawyer joins client B''s chat');
select is(tests.visible_as('lawyer', 'select id from public.messages'), array['msg_a', 'msg_b'], 'and now reads it');
select tests.act_as('client_a2');
select throws_ok($$insert into public.conversation_participants (conversation_id, user_id) values (tests.fixture('conv_a'), auth.uid())$$,
  '42501', null, 'a client user cannot join a thread of its client on its own');
select tests.act_as('client_b');
select throws_ok($$insert into public.conversation_participants (conversation_id, user_id) values (tests.fixture('conv_a'), auth.uid())$$,
  'P0001', 'participant_not_allowed', 'client B cannot join client A''s thread');

select * from finish();
rollback;
