-- Test: staff take a waiting chat or take over a colleague's; the chat says so as an event
-- message; clients cannot take chats, and a closed chat stays closed.
begin;
select plan(8);

select tests.create_portal_world();
select tests.act_as('staff');
select is((select row(chat_status, assigned_to)::text from public.take_chat(tests.fixture('conv_b'))),
  row('active', tests.fixture('staff'))::text, 'staff take a waiting chat');
select tests.act_as('lawyer');
select is((public.take_chat(tests.fixture('conv_b'))).assigned_to, tests.fixture('lawyer'), 'a colleague takes it over');
select public.take_chat(tests.fixture('conv_b'));
select is((select array_agg(author_name order by created_at) from public.list_messages(tests.fixture('conv_b')) where event = 'chat_taken'),
  array['Sam Staff', 'Dr. Lena Lawyer'], 'each taking is said once in the chat, by whom, and the new assignee takes part');
select tests.act_as('client_b');
select is((select array_agg(event order by created_at) filter (where event is not null) from public.list_messages(tests.fixture('conv_b'))),
  array['chat_taken', 'chat_taken'], 'the client sees who took its chat');
select throws_ok($$select public.take_chat(tests.fixture('conv_b'))$$, 'P0001', 'forbidden', 'a client cannot take a chat');
select tests.act_as('staff');
select throws_ok($$select public.take_chat(tests.fixture('conv_a'))$$, 'P0001', 'chat_not_found', 'a thread is not taken');
select public.close_chat(tests.fixture('conv_b'));
select throws_ok($$select public.take_chat(tests.fixture('conv_b'))$$, 'P0001', 'chat_closed', 'a closed chat is not taken');
select tests.clear_authentication();
select is((select count(*)::int from realtime.messages where event = 'chat_activity' and payload ->> 'kind' = 'taken'
             and topic in ('user:' || tests.fixture('lawyer'), 'user:' || tests.fixture('staff'))), 4,
  'both staff members hear of both takings');

select * from finish();
rollback;
