-- Test: list_messages pages in the database's order: the newest page, older pages before a
-- cursor, newer ones after it (catching up after a reconnect), and exactly the messages a
-- broadcast named.
begin;
select plan(6);

select tests.create_portal_world();
select tests.act_as('client_a');
select public.send_message(tests.fixture('conv_a'), ('00000000-0000-4000-8000-00000000c00' || n)::uuid, 'Nachricht ' || n)
  from generate_series(1, 5) as n;
select is((select array_agg(body order by created_at, id) from public.list_messages(tests.fixture('conv_a'), page_size => 2)),
  array['Nachricht 4', 'Nachricht 5'], 'the newest page, oldest first');
select is((select array_agg(l.body order by l.created_at, l.id)
             from public.messages as m, public.list_messages(tests.fixture('conv_a'), before_at => m.created_at, before_id => m.id, page_size => 2) as l
            where m.id = '00000000-0000-4000-8000-00000000c004'),
  array['Nachricht 2', 'Nachricht 3'], 'the page before a message');
select is((select array_agg(l.body order by l.created_at, l.id)
             from public.messages as m, public.list_messages(tests.fixture('conv_a'), after_at => m.created_at, after_id => m.id, page_size => 2) as l
            where m.id = tests.fixture('msg_a')),
  array['Nachricht 1', 'Nachricht 2'], 'the page after a message');
select is((select array_agg(body) from public.list_messages(tests.fixture('conv_a'), message_ids => array['00000000-0000-4000-8000-00000000c003'::uuid, tests.fixture('msg_b')])),
  array['Nachricht 3'], 'exactly the named messages of this conversation');
select throws_ok($$select public.list_messages(tests.fixture('conv_a'), after_at => now())$$, 'P0001', 'invalid_cursor',
  'half a cursor is refused');
select ok((select bool_and(created_at > now()) from public.messages where body like 'Nachricht %'),
  'sent messages are stamped when they are written, after the conversation''s lock');

select * from finish();
rollback;
