-- Test: "gelesen" (read_by_all) when every other participant has read a message: staff see it
-- for every message, clients and guests only for their own; nobody reads others' marks directly.
begin;
select plan(8);

select tests.create_portal_world();
select tests.act_as('guest');
select is((select read_by_all from public.list_messages(tests.fixture('conv_a1')) where id = tests.fixture('msg_a1')), false,
  'the guest''s message is not read by all yet');
select tests.act_as('client_a');
select public.mark_conversation_read(tests.fixture('conv_a1'));
select tests.act_as('guest');
select is((select read_by_all from public.list_messages(tests.fixture('conv_a1')) where id = tests.fixture('msg_a1')), false,
  'still not when one of two recipients has read it');
select tests.act_as('staff');
select public.mark_conversation_read(tests.fixture('conv_a1'));
select is((select read_by_all from public.list_messages(tests.fixture('conv_a1')) where id = tests.fixture('msg_a1')), true,
  'staff see that everyone else has read it');
select tests.act_as('guest');
select is((select read_by_all from public.list_messages(tests.fixture('conv_a1')) where id = tests.fixture('msg_a1')), true,
  'its author sees "gelesen" once both have read it');
select tests.act_as('client_a');
select is((select read_by_all from public.list_messages(tests.fixture('conv_a1')) where id = tests.fixture('msg_a1')), null,
  'a client is not told who read someone else''s message');
select throws_ok($$select last_read_at from public.conversation_participants$$, '42501', null,
  'clients cannot read the marks directly');
select tests.act_as('guest');
select throws_ok($$select public.list_messages(tests.fixture('conv_a'))$$, 'P0001', 'conversation_not_found',
  'the guest cannot read the client''s other thread');
select tests.clear_authentication();
delete from public.matter_members where user_id = tests.fixture('guest');
select tests.act_as('guest');
select throws_ok($$select public.list_messages(tests.fixture('conv_a1'))$$, 'P0001', 'conversation_not_found',
  'a guest removed from the matter reads nothing more');

select * from finish();
rollback;
