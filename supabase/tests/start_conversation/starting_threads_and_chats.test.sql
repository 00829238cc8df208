-- Test: start_conversation creates the conversation, its participants and the first message, and
-- checks scope and participants.
begin;
select plan(8);

select tests.create_portal_world();
select tests.act_as('guest');
select tests.remember('new_thread', public.start_conversation('thread', 'Ortstermin', null, tests.fixture('matter_a1'),
  array[tests.fixture('staff')], 'Wann passt es?'));
select is((select count(*)::int from public.messages where conversation_id = tests.fixture('new_thread')), 1,
  'the starter reads its first message');
select is((select client_id from public.conversations where id = tests.fixture('new_thread')), tests.fixture('client_a_org'),
  'a matter thread belongs to the matter''s client');
select tests.act_as('staff');
select is((select count(*)::int from public.messages where conversation_id = tests.fixture('new_thread')), 1, 'the added staff member reads the message');
select tests.act_as('guest');
select throws_ok($$select public.start_conversation('thread', 'x', tests.fixture('client_a_org'))$$, 'P0001', 'client_not_found',
  'a guest cannot start a client-wide thread');
select throws_ok($$select public.start_conversation('thread', 'x', null, tests.fixture('matter_a2'))$$, 'P0001', 'matter_not_found',
  'nor one in a matter it is not in');
select throws_ok($$select public.start_conversation('thread', ' ', null, tests.fixture('matter_a1'))$$, 'P0001', 'subject_required',
  'a thread needs a subject');
select tests.act_as('client_a');
select throws_ok($$select public.start_conversation('chat', null, tests.fixture('client_a_org'), null, array[tests.fixture('client_b')])$$,
  'P0001', 'participant_not_allowed', 'client B cannot be pulled into client A''s chat');
select throws_ok($$select public.start_conversation('chat', null)$$, 'P0001', 'scope_required', 'a conversation needs a client or matter');

select * from finish();
rollback;
