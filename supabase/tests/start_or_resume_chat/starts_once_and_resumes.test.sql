-- Test: a client user starts its chat with the firm within office hours, gets the same open chat
-- again (two tabs, a reload), and every staff member hears of it on its user topic without the
-- text; staff and guests do not start chats; outside office hours no new chat starts.
begin;
select plan(10);

select tests.create_portal_world();
delete from ops.chat_office_hours;
insert into ops.chat_office_hours (weekday, opens, closes) select d, '00:00', '23:59:59.999999' from generate_series(1, 7) as d;
select tests.act_as('client_a');
select tests.remember('chat_a', public.start_or_resume_chat());
select is((select row(kind, chat_status, client_id)::text from public.conversations where id = tests.fixture('chat_a')),
  row('chat', 'waiting', tests.fixture('client_a_org'))::text, 'a client user starts a waiting chat for its client');
select is(public.start_or_resume_chat(tests.fixture('client_a_org')), tests.fixture('chat_a'), 'starting again resumes it');
select tests.clear_authentication();
select is((select array_agg(distinct topic) from realtime.messages where event = 'chat_activity' and payload ->> 'conversation_id' = tests.fixture('chat_a')::text
             and topic in (select 'user:' || f.id from tests.fixtures as f where f.name in ('lawyer', 'staff', 'client_a', 'client_a2', 'client_b', 'guest'))),
  (select array_agg('user:' || f.id order by 'user:' || f.id) from tests.fixtures as f where f.name in ('lawyer', 'staff')),
  'each staff member, and nobody else, hears that a chat waits');
select is((select count(*)::int from realtime.messages where event = 'chat_activity' and payload ->> 'conversation_id' = tests.fixture('chat_a')::text
             and payload::text like '%Alpha%'), 0, 'without who or what');
select tests.act_as('client_b');
select is(public.start_or_resume_chat(), tests.fixture('conv_b'), 'client B resumes its open chat');
select tests.act_as('staff');
select throws_ok($$select public.start_or_resume_chat(tests.fixture('client_a_org'))$$, 'P0001', 'forbidden', 'staff take chats, they do not start them');
select tests.act_as('guest');
select throws_ok($$select public.start_or_resume_chat(tests.fixture('client_a_org'))$$, 'P0001', 'forbidden', 'a guest writes threads in its matter');
select tests.act_as('client_a2');
select throws_ok($$select public.start_or_resume_chat(tests.fixture('client_b_org'))$$, 'P0001', 'client_not_found', 'nobody chats for another client');
select tests.clear_authentication();
delete from ops.chat_office_hours;
select tests.act_as('client_a2');
select throws_ok($$select public.start_or_resume_chat()$$, 'P0001', 'outside_office_hours', 'outside office hours no chat starts');
select tests.act_as('client_a');
select is(public.start_or_resume_chat(), tests.fixture('chat_a'), 'an open chat goes on after hours');

select * from finish();
rollback;
