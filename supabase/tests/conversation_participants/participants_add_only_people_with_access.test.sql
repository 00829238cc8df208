-- Test: a participant adds people who may see the conversation's client or matter; outsiders are
-- refused; participants mark their own read state and leave.
begin;
select plan(6);

select tests.create_portal_world();
select tests.act_as('client_a');
select lives_ok($$insert into public.conversation_participants (conversation_id, user_id) values (tests.fixture('conv_a'), tests.fixture('client_a2'))$$,
  'client A adds its colleague to its thread');
select throws_ok($$insert into public.conversation_participants (conversation_id, user_id) values (tests.fixture('conv_a'), tests.fixture('client_b'))$$,
  'P0001', 'participant_not_allowed', 'client B cannot be added to client A''s thread');
select throws_ok($$insert into public.conversation_participants (conversation_id, user_id) values (tests.fixture('conv_a'), tests.fixture('guest'))$$,
  'P0001', 'participant_not_allowed', 'the guest of A1 cannot be added to a client-wide thread');
select lives_ok($$update public.conversation_participants set last_read_at = now() where conversation_id = tests.fixture('conv_a') and user_id = auth.uid()$$,
  'a participant marks the thread read');
select results_eq($$with changed as (update public.conversation_participants set last_read_at = now()
                                       where conversation_id = tests.fixture('conv_a') and user_id <> auth.uid() returning 1)
                   select count(*)::int from changed$$, array[0], 'but not for others');
select results_eq($$with gone as (delete from public.conversation_participants where conversation_id = tests.fixture('conv_a') and user_id = auth.uid() returning 1)
                   select count(*)::int from gone$$, array[1], 'a participant may leave');

select * from finish();
rollback;
