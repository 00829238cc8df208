-- Test: a message quotes an earlier one of its own conversation; the quote is shown with its
-- author until the quoted message is deleted, and cannot be changed afterwards.
begin;
select plan(6);

select tests.create_portal_world();
select tests.act_as('lawyer');
select is((public.send_message(tests.fixture('conv_a'), '00000000-0000-4000-8000-00000000b001', 'Gern', tests.fixture('msg_a'))).quoted_message_id,
  tests.fixture('msg_a'), 'a reply quotes a message of its conversation');
select throws_ok($$select public.send_message(tests.fixture('conv_a'), gen_random_uuid(), 'x', tests.fixture('msg_b'))$$,
  'P0001', 'quoted_message_not_found', 'a message of another conversation cannot be quoted');
select is((select row(quoted_author_name, quoted_body)::text from public.list_messages(tests.fixture('conv_a')) where id = '00000000-0000-4000-8000-00000000b001'),
  row('Anton Alpha', 'Hallo Kanzlei')::text, 'the list shows the quote with its author');
select throws_ok($$update public.messages set quoted_message_id = null where id = '00000000-0000-4000-8000-00000000b001'$$,
  '42501', null, 'the quote cannot be changed');
select tests.act_as('client_a');
update public.messages set deleted_at = now() where id = tests.fixture('msg_a');
select is((select quoted_body from public.list_messages(tests.fixture('conv_a')) where id = '00000000-0000-4000-8000-00000000b001'),
  null, 'a deleted message is no longer quoted in words');
select is((select quoted_message_id from public.list_messages(tests.fixture('conv_a')) where id = '00000000-0000-4000-8000-00000000b001'),
  tests.fixture('msg_a'), 'but the reply still points to it');

select * from finish();
rollback;
