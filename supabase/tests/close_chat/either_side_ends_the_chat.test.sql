-- Test: the client or any staff member ends a chat; nothing more is written into it, and a new
-- start opens a new chat. Other clients cannot end it.
begin;
select plan(7);

select tests.create_portal_world();
delete from ops.chat_office_hours;
insert into ops.chat_office_hours (weekday, opens, closes) select d, '00:00', '23:59:59.999999' from generate_series(1, 7) as d;
select tests.act_as('client_a');
select throws_ok($$select public.close_chat(tests.fixture('conv_b'))$$, 'P0001', 'chat_not_found', 'another client cannot end the chat');
select tests.act_as('client_b');
select is((public.close_chat(tests.fixture('conv_b'))).chat_status, 'closed', 'the client ends its chat');
select is((public.close_chat(tests.fixture('conv_b'))).chat_status, 'closed', 'ending it again changes nothing');
select is((select count(*)::int from public.messages where conversation_id = tests.fixture('conv_b') and event = 'chat_closed'), 1,
  'the end is said once');
select throws_ok($$select public.send_message(tests.fixture('conv_b'), gen_random_uuid(), 'Noch eine Frage')$$, 'P0001', 'chat_closed',
  'nothing more is sent into it');
select throws_ok($$insert into public.messages (conversation_id, body) values (tests.fixture('conv_b'), 'Noch eine Frage')$$, 'P0001', 'chat_closed',
  'nor inserted directly');
select isnt(public.start_or_resume_chat(), tests.fixture('conv_b'), 'starting again opens a new chat');

select * from finish();
rollback;
