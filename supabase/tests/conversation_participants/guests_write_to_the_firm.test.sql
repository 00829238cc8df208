-- Test: a guest adds only the firm to a conversation; client users and staff add anyone who may
-- see it: colleagues, the matter's guests (20261204100000).
begin;
select plan(5);

select tests.create_portal_world();
select tests.act_as('client_a');
select lives_ok($$insert into public.conversation_participants (conversation_id, user_id) values (tests.fixture('conv_a'), tests.fixture('client_a2'))$$,
  'a client user adds a colleague');
select tests.clear_authentication();
delete from public.conversation_participants where conversation_id = tests.fixture('conv_a1') and user_id = tests.fixture('guest');
select tests.act_as('client_a');
select lives_ok($$insert into public.conversation_participants (conversation_id, user_id) values (tests.fixture('conv_a1'), tests.fixture('guest'))$$,
  'and the guest it brought into the matter');
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
