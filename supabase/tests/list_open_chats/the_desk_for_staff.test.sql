-- Test: staff see every waiting and active chat with how long its client waits for an answer;
-- answered, closed and other people's views stay out.
begin;
select plan(5);

select tests.create_portal_world();
select tests.act_as('lawyer');
select is((select row(client_name, started_by_name, chat_status, waiting_since = now())::text
             from public.list_open_chats() where id = tests.fixture('conv_b')),
  row('Berta Beta', 'Berta Beta', 'waiting', true)::text, 'a waiting chat with its client and since when it waits');
select tests.act_as('staff');
select public.take_chat(tests.fixture('conv_b'));
select public.send_message(tests.fixture('conv_b'), gen_random_uuid(), 'Guten Tag, wie kann ich helfen?');
select is((select row(chat_status, assigned_name, waiting_since)::text from public.list_open_chats() where id = tests.fixture('conv_b')),
  row('active', 'Sam Staff', null::timestamptz)::text, 'an answered chat waits no more');
select public.close_chat(tests.fixture('conv_b'));
select is((select count(*)::int from public.list_open_chats() where id = tests.fixture('conv_b')), 0, 'a closed chat leaves the desk');
select tests.act_as('client_b');
select throws_ok($$select public.list_open_chats()$$, 'P0001', 'forbidden', 'clients have no desk');
select tests.act_as('totp_aal1');
select throws_ok($$select public.list_open_chats()$$, 'P0001', 'mfa_required', 'an aal1 session must step up first');

select * from finish();
rollback;
