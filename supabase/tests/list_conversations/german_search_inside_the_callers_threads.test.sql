-- Test: the German full-text search finds words in any form in subjects and, where the caller
-- takes part, in messages; it never reveals a thread through text the caller may not read.
begin;
select plan(5);

select tests.create_portal_world();
select is(tests.visible_as('client_a', $$select id from public.list_conversations(search => 'Gutachtens')$$), array['conv_a1'],
  'a participant finds a thread by a word of its messages, in another form');
select is(tests.visible_as('client_b', $$select id from public.list_conversations(search => 'Gutachten')$$), '{}'::text[],
  'client B finds nothing of client A');
select is(tests.visible_as('lawyer', $$select id from public.list_conversations(search => 'Gutachten', scope => 'all')$$), '{}'::text[],
  'staff searching every thread do not find one by the text of messages they do not take part in');
select is(tests.visible_as('lawyer', $$select id from public.list_conversations(search => 'Thread A1', scope => 'all')$$), array['conv_a1'],
  'but by its subject');
select is(tests.visible_as('guest', $$select id from public.list_conversations(search => 'Kanzlei')$$), '{}'::text[],
  'the guest does not find the client''s other thread');

select * from finish();
rollback;
