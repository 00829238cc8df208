-- Test: a client user adds the firm and its own colleagues to a conversation, a guest only the
-- firm; staff add anyone who may see the conversation (20261204100000).
begin;
select plan(5);

select tests.create_portal_world();
select tests.act_as('client_a');
select lives_ok($$insert into public.conversation_participants (conversation_id, user_id) values (tests.fixture('conv_a'), tests.fixture('client_a2'))$$,
  'a client user adds a colleague');
select tests.clear_authentication();
delete from public.conversation_participants where conversation_id = tests.fixture('conv_a1') and user_id = tests.fixture('guest');
select tests.act_as('client_a');
select throws_ok($$insert into public.conversation_participants (conversation_id, user_id) values (tests.fixture('conv_a1'), tests.fixture('guest'))$$,
  'P0001', 'participant_not_allowed', 'but not a guest of the matter: the firm brings guests in');
select tests.clear_authentication();
insert into public.conversation_participants (conversation_id, user_id) values (tests.fixture('conv_a1'), tests.fixture('guest'));
select tests.act_as('guest');
select throws_ok($$insert into public.conversation_participants (conversation_id, user_id) values (tests.fixture('conv_a1'), tests.fixture('client_a2'))$$,
  'P0001', 'participant_not_allowed', 'a guest cannot add the client''s users');
select throws_ok($$select public.start_conversation('thread', 'Unter uns', matter_id => tests.fixture('matter_a1'), participant_ids => array[tests.fixture('client_a')])$$,
  'P0001', 'participant_not_allowed', 'nor start a thread with them');
select tests.act_as('staff');
select lives_ok($$insert into public.conversation_participants (conversation_id, user_id) values (tests.fixture('conv_a1'), tests.fixture('client_a2'))$$,
  'staff add the client''s users');

select * from finish();
rollback;
